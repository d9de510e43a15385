import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/load-config.js';
import { custsync } from '../support/run-cli.js';

const DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

/** A model per kind: its constructor checks the manifest against the Kubernetes (or KEDA) OpenAPI schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
}
interface Container {
  args: string[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext: { runAsNonRoot: boolean };
  containers: Container[];
}

const kustomization = parse(readFileSync(`${DIR}kustomization.yaml`, 'utf8')) as { resources: string[] };
const manifests: (Manifest & { file: string })[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(`${DIR}${file}`, 'utf8')).map((doc) => ({ ...(doc.toJS() as Manifest), file })),
);
const find = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
};
const podOf = (m: Manifest) => (m.spec as { template: { spec: PodSpec } }).template.spec;
const environment = (find('ConfigMap', 'custsync-environment').data as Record<string, string>);
const configText = (find('ConfigMap', 'custsync-config').data as Record<string, string>)['custsync.config.yaml']!;
const argAfter = (args: readonly string[], flag: string) => args[args.indexOf(flag) + 1];
const portNamed = (container: Container, name: string) => container.ports?.find((p) => p.name === name)?.containerPort;

describe('deploy/kubernetes', () => {
  it('lists every manifest in its kustomization, each valid against the Kubernetes and KEDA schemas', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    for (const manifest of manifests) {
      const { file, ...data } = manifest;
      const Model = MODELS[`${data.apiVersion}/${data.kind}`];
      expect(Model, `${file}: ${data.apiVersion} ${data.kind} has no model here`).toBeDefined();
      expect(() => new Model!(data as never).validate(), file).not.toThrow();
    }
  });

  it('holds a config custsync loads', () => {
    const config = parseConfig(configText, 'custsync-config', '/app/config', { ERP_SFTP_PASSWORD: 'x' });
    expect(Object.keys(config.flows)).toEqual(['erp-customers']);
  });

  it('gives a worker pod more time to stop than the worker takes to drain, and probes its metrics port', () => {
    const grace = parseConfig(configText, 'custsync-config', '/app/config').worker.shutdownGraceSeconds;
    const pod = podOf(find('Deployment', 'custsync-worker'));
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(grace);
    const [worker] = pod.containers;
    expect(worker!.args.slice(0, 1)).toEqual(['worker']);
    const metricsPort = Number(argAfter(worker!.args, '--metrics')!.split(':').pop());
    expect(portNamed(worker!, 'metrics')).toBe(metricsPort);
    expect(worker!.readinessProbe!.httpGet).toEqual({ path: '/metrics', port: 'metrics' });
  });

  it('probes serve at /readyz and /healthz on the port it listens on; its metrics on a port the Service leaves out', () => {
    const [serve] = podOf(find('Deployment', 'custsync-serve')).containers;
    expect(portNamed(serve!, 'http')).toBe(Number(argAfter(serve!.args, '--port')));
    expect(portNamed(serve!, 'metrics')).toBe(Number(argAfter(serve!.args, '--metrics')!.split(':').pop()));
    expect(serve!.readinessProbe!.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(serve!.livenessProbe!.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const service = find('Service', 'custsync-serve').spec as { ports: { targetPort: string }[] };
    expect(service.ports.map((p) => p.targetPort)).toEqual(['http']);
  });

  it('runs every container unprivileged, with a read-only root file system', () => {
    for (const m of manifests.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
      const pod = podOf(m);
      expect(pod.securityContext.runAsNonRoot, m.file).toBe(true);
      for (const c of pod.containers) expect(c.securityContext, m.file).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    }
  });

  it('scales the workers on the task queue they poll, in the namespace they use', () => {
    const scaled = find('ScaledObject', 'custsync-worker').spec as { scaleTargetRef: { name: string }; triggers: { type: string; metadata: Record<string, string> }[] };
    expect(scaled.scaleTargetRef.name).toBe('custsync-worker');
    expect(scaled.triggers).toEqual([
      expect.objectContaining({
        type: 'temporal',
        metadata: expect.objectContaining({ endpoint: environment.TEMPORAL_ADDRESS, namespace: environment.TEMPORAL_NAMESPACE, taskQueue: environment.CUSTSYNC_TASK_QUEUE }) as unknown,
      }),
    ]);
  });

  it('migrates with the command the CLI takes', { timeout: 60_000 }, async () => {
    const [migrate] = podOf(find('Job', 'custsync-migrate')).containers;
    expect(migrate!.args).toEqual(['db', 'migrate']);
    expect((await custsync([...migrate!.args, '--help'])).code).toBe(0);
  });
});
