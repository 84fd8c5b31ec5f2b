import { packageProject } from '../../vitest.shared';

export default packageProject('workflow-state');
