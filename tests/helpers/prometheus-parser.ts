// Parses Prometheus exposition text with the official Python client's parser
// (prometheus_client.parser), a parser no one here wrote. Its pure-Python wheel is imported straight
// from the local package mirror (a wheel is a zip; Python imports from zips), or from an installed
// prometheus_client; without either, the tests that need it skip and say why.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const WHEEL_DIR = '/opt/pypi/files';

export type Sample = {
  name: string;
  labels: Record<string, string>;
  value: number;
  family: string;
  type: string;
};

const SCRIPT = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    for s in f.samples:
        out.append({"name": s.name, "labels": s.labels, "value": s.value, "family": f.name, "type": f.type})
print(json.dumps(out))
`;

function pythonPath(): string | undefined {
  if (!existsSync(WHEEL_DIR)) return undefined;
  const wheel = readdirSync(WHEEL_DIR).find((f) => /^prometheus_client-.*-py3-none-any\.whl$/.test(f));
  return wheel ? `${WHEEL_DIR}/${wheel}` : undefined;
}

/** Why the parser cannot run here, or undefined when it can. */
export function prometheusParserUnavailable(): string | undefined {
  const env = { ...process.env, PYTHONPATH: pythonPath() ?? '' };
  const probe = spawnSync('python3', ['-c', 'import prometheus_client.parser'], { env, encoding: 'utf8' });
  if (probe.error) return 'python3 is not installed';
  if (probe.status !== 0) return `prometheus_client is neither installed nor in ${WHEEL_DIR}`;
  return undefined;
}

/** Every sample of `text`; throws with the parser's message when the text is not valid exposition. */
export function parseExposition(text: string): Sample[] {
  const env = { ...process.env, PYTHONPATH: pythonPath() ?? '' };
  return JSON.parse(
    execFileSync('python3', ['-c', SCRIPT], { env, input: text, encoding: 'utf8' }),
  ) as Sample[];
}
