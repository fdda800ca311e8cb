/**
 * The hand-over keys of a stack (issue 15) from AWS Secrets Manager: one secret per stack whose JSON maps each key
 * id of `handover.peers[].keyIds` (config/deploy/<code>.json) to its shared key material. Read at the first use
 * in a container and cached; the key material is never logged and a problem names the secret and the field only.
 * Imported through `import()` by ../../composition/aws-handover.ts so that a bundle carries the Secrets Manager
 * client in a chunk of its own, loaded only when a hand-over is received, sent or replayed.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HandoverConfig, HandoverDeployConfig } from '../../domain/handover';
import { handoverConfigFromSecret, handoverKeyIds } from '../../domain/handover';
import { readSecretFields } from './secret-json';

/** Reads the secret and builds the validated HandoverConfig (ConfigError naming the missing or short key otherwise). */
export async function readHandoverConfig(client: Pick<SecretsManagerClient, 'send'>, secretId: string, cfg: Pick<HandoverDeployConfig, 'peers'>): Promise<HandoverConfig> {
  const fields = await readSecretFields(client as SecretsManagerClient, secretId, handoverKeyIds(cfg));
  return handoverConfigFromSecret(cfg, fields);
}

let client: SecretsManagerClient | undefined;
/** One Secrets Manager client per container. */
export const secretsClient = (): SecretsManagerClient => (client ??= new SecretsManagerClient({}));
