export { createTestPki, TEST_SERVER_NAME, type TestPki, type CertFiles } from './pki';
export { serverTlsFromPki, clientTlsOf, renderServerTls, type ServerTlsOptions } from './server-tls';
export { startTlsNode, type TlsNode } from './tls-node';
export { clientEnvOf, connectionOptionsFromEnv } from './client-env';
