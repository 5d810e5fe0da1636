export { clusterFingerprint, newJoinToken, parseJoinToken, tokensEqual, type ParsedToken } from '@flotilla/contracts';
