import { packageProject } from '../../vitest.shared';

// Hook tests opt into jsdom per file (`// @vitest-environment jsdom`); the rest run in Node.
export default packageProject('react-hooks');
