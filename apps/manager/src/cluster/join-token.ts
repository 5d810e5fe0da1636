export { clusterFingerprint, newJoinToken, nodeSecret, parseJoinToken, tokensEqual, type ParsedToken } from '@flotilla/contracts';
