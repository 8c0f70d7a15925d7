/** docker-compose.yml cannot run here (no Docker engine): this keeps it honest by reading it. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const SUBGRAPHS = { organizations: 4001, identities: 4002, access: 4003 } as const;
const nodeServices = ['gateway', ...Object.keys(SUBGRAPHS)];

/** A compiled entry point (dist/x.js) must come from a source file (x.ts). */
const sourceOf = (command: string[]) => command.find((part) => part.startsWith('dist/'))!.replace(/^dist\//, '').replace(/\.js$/, '.ts');

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, a one-shot migration, the three subgraphs and the gateway', () => {
    expect(Object.keys(services).sort()).toEqual(['access', 'gateway', 'identities', 'migrate', 'organizations', 'postgres']);
    expect(services.postgres!.image).toMatch(/^postgres:1[5-9]/);
    expect(services.postgres!.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(services.migrate!.command).toEqual(['node', 'dist/scripts/migrate.js']);
    expect(services.migrate!.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('gives each subgraph its own process, port and entry point, after the migration', () => {
    for (const [name, port] of Object.entries(SUBGRAPHS)) {
      const service = services[name]!;
      expect(service.command).toEqual(['node', `dist/subgraphs/${name}/main.js`]);
      expect(service.environment?.PORT).toBe(port);
      expect(service.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    }
    expect(services.gateway!.command).toEqual(['node', 'dist/gateway/main.js']);
    expect(services.gateway!.ports).toEqual(['4000:4000']);
    for (const name of Object.keys(SUBGRAPHS)) expect(services.gateway!.depends_on?.[name]?.condition).toBe('service_healthy');
  });

  it('wires every node service to the database, the others and the issuer, with no secret written down', () => {
    for (const name of nodeServices) {
      const env = services[name]!.environment!;
      expect(env.DATABASE_URL, name).toMatch(/^postgresql:\/\/.+@postgres:5432\//);
      expect(env.INTERNAL_SECRET, name).toMatch(/^\$\{INTERNAL_SECRET:\?.+\}$/);
      expect(env.PUBLIC_URL, name).toBe('${PUBLIC_URL:-http://localhost:4000}');
      expect(env.JWKS_URL, name).toBe('http://identities:4002/.well-known/jwks.json');
      expect(env.ORGANIZATIONS_URL).toBe('http://organizations:4001');
      expect(env.IDENTITIES_URL).toBe('http://identities:4002');
      expect(env.ACCESS_URL).toBe('http://access:4003');
      expect(env.HOST).toBe('0.0.0.0');
      expect(services[name]!.healthcheck?.test.join(' '), name).toContain('/healthz');
    }
    expect(services.migrate!.environment?.BOOTSTRAP_CLIENT_SECRET).toBe('${BOOTSTRAP_CLIENT_SECRET:-}');
  });

  it('writes down no password or secret anywhere: each comes from the environment, required or empty by default', () => {
    const required = /^\$\{([A-Z_]+):\?[^}]+\}$/;
    const fromEnvironment = /^\$\{[A-Z_]+(:\?[^}]+|:-)?\}$/;
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/SECRET|PASSWORD/.test(key)) expect(String(value), `${name} ${key}`).toMatch(fromEnvironment);
      }
    }
    const databasePassword = required.exec(String(services.postgres!.environment?.POSTGRES_PASSWORD))?.[1];
    expect(databasePassword, 'POSTGRES_PASSWORD is required from the environment').toBeTruthy();
    for (const name of [...nodeServices, 'migrate']) {
      const url = String(services[name]!.environment?.DATABASE_URL);
      const password = /^postgresql:\/\/[^:/@]+:(.+)@postgres:5432\//.exec(url)?.[1] ?? '';
      expect(required.exec(password)?.[1], `${name} DATABASE_URL password`).toBe(databasePassword);
    }
  });

  it('names entry points that exist as sources, and environment variables the code reads', () => {
    for (const service of Object.values(services).filter((s) => s.command)) {
      expect(existsSync(new URL(sourceOf(service.command!), root)), service.command!.join(' ')).toBe(true);
    }
    const code = ['lib/config.ts', 'gateway/main.ts', 'subgraphs/organizations/main.ts', 'subgraphs/identities/main.ts', 'subgraphs/identities/modules/mail/config.ts', 'subgraphs/identities/links.ts', 'subgraphs/identities/modules/invitation/invitation.config.ts', 'subgraphs/identities/modules/login-code/login-code.config.ts', 'scripts/migrate.ts'].map(read).join('\n');
    for (const name of new Set(nodeServices.flatMap((n) => Object.keys(services[n]!.environment!)))) {
      expect(code, name).toContain(`'${name}'`);
    }
  });
});

describe('Dockerfile', () => {
  it('builds the compiled entry points and runs them as a non-root user', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toContain('RUN npm ci');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toMatch(/^USER node$/m);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)![1]!;
    expect(existsSync(new URL(sourceOf(JSON.parse(cmd) as string[]), root))).toBe(true);
    // Everything the build compiles, and the schema the gateway reads at run time.
    const compiled = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    for (const dir of [...compiled, 'schema']) expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
  });
});
