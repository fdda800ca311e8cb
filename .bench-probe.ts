import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from './infra/local/dynalite';
const dyn = await startDynalite();
const client = localDynamoClient(dyn.endpoint);
await ensureTable(client, 'tousu-bench');
const doc = documentClient(client);
const N = 50000;
const t0 = Date.now();
const items = Array.from({ length: N }, (_, i) => ({ pk: `LSH#510903#${i % 32}#${(i * 2654435761 >>> 0).toString(16)}`, sk: 'LSH', entries: new Set([`20250301#510903-20250301-${i}`]) }));
let next = 0;
async function worker() { while (next < items.length) { const chunk = items.slice(next, next + 25); next += 25; await doc.send(new BatchWriteCommand({ RequestItems: { 'tousu-bench': chunk.map((Item) => ({ PutRequest: { Item } })) } })); } }
await Promise.all(Array.from({ length: 8 }, worker));
console.log(N, 'items', Date.now() - t0, 'ms');
doc.destroy(); await dyn.close();
