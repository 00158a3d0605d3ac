/**
 * Who may send what where. A key saved in the editor is bound to the origin it was saved for (see the key
 * store); on top of that, a deployment that came from a workspace file (`.vscode/fanout.json`, checked in by
 * anyone) is held to stricter rules, because the workspace, not the user, chose its address.
 */
import { deploymentOrigin, type Deployment } from '../config/deployment';
import { signInOwnerOf } from '../../providers/credentialSources';
import { descriptorOf } from '../../providers/registry';

export type DeploymentSource = 'user' | 'workspace';

/**
 * Fields a workspace file may not set: `profile` and `apiKeyEnv` would make the editor run a program or read a
 * variable the workspace names; `batch` would choose where prompts and answers are written (a bucket, a batch
 * deployment) and which role is assumed.
 */
export const WORKSPACE_FORBIDDEN_FIELDS = ['profile', 'apiKeyEnv', 'batch'] as const;

/** Why a workspace file may not set `field`, and where to set it instead. */
export function forbiddenFieldReason(field: (typeof WORKSPACE_FORBIDDEN_FIELDS)[number]): string {
  return field === 'batch'
    ? 'not allowed in a workspace file (a workspace cannot choose where your prompts and answers are written, or which role is assumed) — set it in your user settings or the CLI\'s --config'
    : 'not allowed in a workspace file (a workspace cannot choose which AWS profile or environment variable you use) — set it in your user settings';
}

/** Whether the deployment's origin is its cloud's own endpoint (where the user's AWS or Google sign-in may be sent). */
function isOfficialCloudOrigin(deployment: Deployment): boolean {
  const official = descriptorOf(deployment.provider).officialHost;
  return !official || official.test(new URL(deploymentOrigin(deployment)).hostname);
}

/** Null when the deployment may run with its credential; otherwise why not, in words the user can act on. */
export function refusal(deployment: Deployment, source: DeploymentSource, workspaceTrusted: boolean): string | null {
  if (source === 'user') return null;
  const forbidden = WORKSPACE_FORBIDDEN_FIELDS.find((field) => field in deployment);
  if (forbidden) return `"${deployment.id}" comes from this workspace's .vscode/fanout.json and sets "${forbidden}": ${forbiddenFieldReason(forbidden)}.`;
  if (!workspaceTrusted) {
    return `"${deployment.id}" comes from this workspace's .vscode/fanout.json, and the workspace is in Restricted Mode: trust the workspace to run it.`;
  }
  const who = signInOwnerOf(deployment);
  if (who && !isOfficialCloudOrigin(deployment)) {
    return `"${deployment.id}" comes from this workspace's .vscode/fanout.json and points at ${deploymentOrigin(deployment)}, which is not ${who}'s own endpoint: Fanout sends your ${who} sign-in there only for deployments in your user settings.`;
  }
  return null;
}

/**
 * Null when `from`'s chain may go on to `to`; otherwise why not. A workspace file may name fallbacks only among
 * deployments it may run: its own (never one from the user's settings, which it could reach by reusing an id), and
 * each of those is held to the same rules as if it had been asked for directly.
 */
export function fallbackRefusal(from: { id: string; source: DeploymentSource }, to: { deployment: Deployment; source: DeploymentSource }, workspaceTrusted: boolean): string | null {
  if (from.source === 'workspace' && to.source === 'user') {
    return `"${from.id}" comes from this workspace's .vscode/fanout.json and names "${to.deployment.id}" as a fallback, which is in your user settings: a workspace file may name only its own deployments as fallbacks.`;
  }
  return refusal(to.deployment, to.source, workspaceTrusted);
}
