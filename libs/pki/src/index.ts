export { createRootCA, issueNodeCertificate, ROLE_OU, ROOT_TTL_MS, NODE_TTL_MS, type RootCA, type NodeRole, type NodeCertRequest } from './ca';
export { generateKeyPair, checkedPublicKey, publicKeyOf, type KeyPair } from './node-key';
export { verifyNodeCertificate, verifyClusterCertificate, peerIdentity, peerHolder, subjectFields, type NodeIdentity, type ClientIdentity, type CertificateHolder } from './identity';
export { issueClientCertificate, CLIENT_OU, CLIENT_TTL_MS, type ClientCertRequest } from './client-cert';
export { caDigest } from './digest';
export { renewalTime } from './renewal';
export { trustedRoots, signingRoot, rotationStep, rotationRequested, renewalDue, rotationProgress, splitPems, type RootRotation, type NodeTlsState, type RotationStep } from './root-rotation';
export { renewalDelay, MAX_WAIT_MS } from './renewal-delay';
export { issuerOf, signingRootOf, nodeTlsInfo, tlsInfoTag, tlsStateOf, type TlsInfo } from './tls-info';
