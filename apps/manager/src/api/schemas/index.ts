export { parseBody, fieldPath } from './parse-body';
export { serviceSpecSchema } from './service-spec.schema';
export { networkCreateSchema, secretSpecSchema, nodeSpecSchema, clusterSpecSchema } from './object-specs.schema';
export { statusRequestSchema, managerJoinSchema, tokenRoleSchema, registerSchema } from './agent.schema';
export { restartEndedSchema, stackDeploySchema } from './stack.schema';
