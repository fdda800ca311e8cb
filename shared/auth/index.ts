export * from './principal';
export { LocalTokenVerifier, LOCAL_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from './local-verifier';
export { CognitoTokenVerifier, claimsFromCognito } from './cognito-verifier';
export type { CognitoVerifierOptions } from './cognito-verifier';
