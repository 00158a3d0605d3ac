/**
 * The AWS IAM Identity Center (SSO) portal's GetRoleCredentials, which the SDK calls with the access token cached
 * by `aws sso login` (~/.aws/sso/cache). Point AWS_ENDPOINT_URL_SSO at this server.
 */
import { Emulator, LoopbackServer, sendJson } from './server';

export interface SsoGrant {
  accessToken: string;
  accountId: string;
  roleName: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}

export class SsoEmulator extends Emulator {
  readonly server: LoopbackServer;

  constructor(private readonly grants: SsoGrant[]) {
    super();
    this.server = new LoopbackServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const token = request.headers['x-amz-sso_bearer_token'];
      const grant = this.grants.find((candidate) => candidate.accessToken === token && candidate.accountId === url.searchParams.get('account_id') && candidate.roleName === url.searchParams.get('role_name'));
      if (request.method !== 'GET' || url.pathname !== '/federation/credentials') {
        sendJson(response, 404, { message: 'Not found' }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      } else if (!grant) {
        sendJson(response, 401, { message: 'Session token not found or invalid' }, { 'x-amzn-errortype': 'UnauthorizedException' });
      } else {
        sendJson(response, 200, { roleCredentials: { ...grant.credentials, expiration: Date.now() + 3_600_000 } });
      }
    });
  }

}
