export { createRootCA, issueNodeCertificate, ROLE_OU, ROOT_TTL_MS, NODE_TTL_MS, type RootCA, type NodeRole, type NodeCertRequest } from './ca';
export { generateKeyPair, checkedPublicKey, publicKeyOf, type KeyPair } from './node-key';
export { verifyNodeCertificate, peerIdentity, subjectFields, type NodeIdentity } from './identity';
export { caDigest } from './digest';
export { renewalTime } from './renewal';
