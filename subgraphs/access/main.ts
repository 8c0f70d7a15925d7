import 'reflect-metadata';
import { commonConfigFromEnv, DEFAULT_PORTS, env, envInt } from '../../lib/config.js';
import { runUntilSignal } from '../../lib/main.js';
import { startAccess } from './index.js';

runUntilSignal('access', () =>
  startAccess({ config: commonConfigFromEnv(), port: envInt('PORT', DEFAULT_PORTS.access), host: env('HOST', '0.0.0.0') }),
);
