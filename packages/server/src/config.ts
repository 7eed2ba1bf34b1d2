import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { CONNECTION_HOSTS_VARIABLE, HostAllowlist } from './connections/host-allowlist.ts';

/** Bad configuration stops start-up with one clear line (contract §1). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface SecretKeyVersion {
  version: string;
  key: Buffer;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** TC_DATABASE_QUERY_TIMEOUT_MS: a PostgreSQL store query unanswered this long fails with 503 (default 5000). */
  databaseQueryTimeoutMs?: number;
  /** 32 bytes; every per-API-key token key is derived from it. */
  masterKey: Buffer;
  /** Keyring for connection secrets, newest first. */
  secretKeys: SecretKeyVersion[];
  adminEmail: string;
  adminPassword: string | undefined;
  logLevel: string;
  /** generate-token requests one API key may make per minute. */
  rateLimitPerMinute: number;
  /** `redis://` URL: rate-limit counters shared by every instance; per-instance counters when unset. */
  redisUrl: string | undefined;
  /** TC_CONNECTION_HOSTS: the hosts data connections may use; every host when unset. */
  connectionHosts: HostAllowlist | undefined;
  /**
   * TC_TRUST_PROXY: which proxies' X-Forwarded-For / X-Forwarded-Proto to believe (Fastify's `trustProxy`): `true` (any),
   * a hop count, or addresses / CIDRs. Off when unset: the client address is the TCP peer's.
   */
  trustProxy?: boolean | number | string[];
  /** Bearer token that GET /metrics requires; when unset /metrics answers loopback callers only. */
  metricsToken: string | undefined;
  /** Load-shedding thresholds (0 turns one off): past any of them requests get 503 service_unavailable. */
  loadShedding: LoadSheddingThresholds;
  /** The AI assistant: conversation retention and the optional model provider. */
  assistant: AssistantConfig;
}

export interface AssistantConfig {
  /** Conversations untouched for longer are purged (TC_ASSISTANT_RETENTION_DAYS, default 30). */
  retentionDays: number;
  /** Questions one user (organization + distinctId) may ask per minute on one instance (TC_ASSISTANT_QUESTIONS_PER_MINUTE). */
  questionsPerMinute: number;
  /** An OpenAI-compatible chat-completions provider; the embedded engine answers alone when unset. */
  llm: LlmProviderConfig | undefined;
}

export interface LlmProviderConfig {
  /** TC_LLM_BASE_URL, e.g. https://api.openai.com/v1 (`/chat/completions` is appended). */
  baseUrl: string;
  /** TC_LLM_API_KEY, sent as a bearer token; never logged. Optional for local servers that need none. */
  apiKey: string | undefined;
  /** TC_LLM_MODEL. */
  model: string;
  /** TC_LLM_TIMEOUT_MS (default 20000): past it the embedded engine answers instead. */
  timeoutMs: number;
}

export interface LoadSheddingThresholds {
  maxEventLoopDelayMs: number;
  /** 0..1, the share of time the event loop was busy over the last sample. */
  maxEventLoopUtilization: number;
  maxHeapUsedBytes: number;
  maxRssBytes: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${raw}".`);
  }
  return port;
}

function decodeKey(name: string, raw: string): Buffer {
  const trimmed = raw.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new ConfigError(`${name} must be base64 of 32 random bytes.`);
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(`${name} must be base64 of exactly 32 bytes (got ${key.length}); make one with: openssl rand -base64 32`);
  }
  return key;
}

/** `v2:base64,v1:base64`, newest first. */
export function parseSecretKeyring(raw: string, name = 'TC_SECRET_KEYS'): SecretKeyVersion[] {
  const entries = raw.split(',').map((part) => part.trim()).filter(Boolean);
  if (entries.length === 0) throw new ConfigError(`${name} is empty; expected "v1:<base64 of 32 bytes>".`);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const match = /^(v[0-9]{1,6}):(.+)$/.exec(entry);
    if (!match) throw new ConfigError(`${name} entries must look like "v2:<base64>", got "${entry.slice(0, 12)}…".`);
    const version = match[1]!;
    if (seen.has(version)) throw new ConfigError(`${name} names version ${version} twice.`);
    seen.add(version);
    return { version, key: decodeKey(`${name} ${version}`, match[2]!) };
  });
}

/** Reads a development key file from the data dir, creating it (mode 0600) on first use. */
function developmentKeyFile(dataDir: string, file: string, create: () => string): string {
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, create(), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}

/** A non-negative number from the environment; `fallback` when unset. */
function parseThreshold(env: NodeJS.ProcessEnv, name: string, fallback: number, { max, unit }: { max?: number; unit: string }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (max !== undefined && value > max)) {
    const range = max === undefined ? 'a number ≥ 0' : `a number from 0 to ${max}`;
    throw new ConfigError(`${name} must be ${range} (${unit}; 0 turns the check off), got "${raw}".`);
  }
  return value;
}

const MEBIBYTE = 1024 * 1024;

function parseLoadShedding(env: NodeJS.ProcessEnv): LoadSheddingThresholds {
  return {
    maxEventLoopDelayMs: parseThreshold(env, 'TC_MAX_EVENT_LOOP_DELAY_MS', 1000, { unit: 'milliseconds' }),
    maxEventLoopUtilization: parseThreshold(env, 'TC_MAX_EVENT_LOOP_UTILIZATION', 0, { max: 1, unit: 'a share of time' }),
    maxHeapUsedBytes: parseThreshold(env, 'TC_MAX_HEAP_USED_MB', 0, { unit: 'MiB' }) * MEBIBYTE,
    maxRssBytes: parseThreshold(env, 'TC_MAX_RSS_MB', 0, { unit: 'MiB' }) * MEBIBYTE,
  };
}

function parseRedisUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('TC_REDIS_URL must be a URL such as redis://127.0.0.1:6379 (or rediss:// for TLS).');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`TC_REDIS_URL must start with redis:// or rediss://, got "${url.protocol}//…".`);
  }
  if (!url.hostname) throw new ConfigError('TC_REDIS_URL names no host; use e.g. redis://127.0.0.1:6379.');
  return raw;
}

function parseConnectionHosts(raw: string | undefined): HostAllowlist | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return new HostAllowlist(raw);
  } catch (error) {
    throw new ConfigError(`${CONNECTION_HOSTS_VARIABLE} ${(error as Error).message} Example: ${CONNECTION_HOSTS_VARIABLE}=db.internal,*.warehouse.example.com,10.20.0.0/16`);
  }
}

// proxy-addr's names for address ranges, accepted in TC_TRUST_PROXY beside addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IPv4/IPv6 address, optionally with a /prefix that fits its family. */
function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function parseTrustProxy(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'false') return false;
  const value = raw.trim();
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 32) throw new ConfigError(`TC_TRUST_PROXY as a hop count must be from 1 to 32, got "${raw}".`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !PROXY_RANGE_NAMES.has(entry) && !isAddressOrCidr(entry));
  if (bad !== undefined) {
    throw new ConfigError(
      `TC_TRUST_PROXY must be true, a hop count, or a comma-separated list of proxy addresses / CIDRs (e.g. 10.0.0.0/8,127.0.0.1); "${bad}" is none of these.`,
    );
  }
  return entries;
}

const MIN_METRICS_TOKEN_LENGTH = 16;

function parseMetricsToken(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(raw)) {
    throw new ConfigError(`TC_METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters without spaces; make one with: openssl rand -hex 24`);
  }
  return raw;
}

const DEFAULT_RETENTION_DAYS = 30;
const DEFAULT_DATABASE_QUERY_TIMEOUT_MS = 5000;
const MAX_RETENTION_DAYS = 3650;
const DEFAULT_LLM_TIMEOUT_MS = 20_000;
const DEFAULT_QUESTIONS_PER_MINUTE = 60;

function parseWholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number of ${unit} from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function parseLlmProvider(env: NodeJS.ProcessEnv): LlmProviderConfig | undefined {
  const baseUrlRaw = env.TC_LLM_BASE_URL || undefined;
  const apiKey = env.TC_LLM_API_KEY || undefined;
  const model = env.TC_LLM_MODEL || undefined;
  if (!baseUrlRaw) {
    if (apiKey || model) throw new ConfigError('TC_LLM_API_KEY and TC_LLM_MODEL need TC_LLM_BASE_URL, e.g. https://api.openai.com/v1.');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(baseUrlRaw);
  } catch {
    throw new ConfigError('TC_LLM_BASE_URL must be an http(s) URL such as https://api.openai.com/v1.');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new ConfigError('TC_LLM_BASE_URL must be an http(s) URL without credentials, query or fragment, such as https://api.openai.com/v1; put the key in TC_LLM_API_KEY.');
  }
  if (!model) throw new ConfigError('TC_LLM_MODEL is required with TC_LLM_BASE_URL, e.g. TC_LLM_MODEL=gpt-4o-mini.');
  if (apiKey !== undefined && /\s/.test(apiKey)) throw new ConfigError('TC_LLM_API_KEY must not contain spaces or line breaks.');
  return {
    baseUrl: url.href.replace(/\/+$/, ''),
    apiKey,
    model,
    timeoutMs: parseWholeNumber(env, 'TC_LLM_TIMEOUT_MS', DEFAULT_LLM_TIMEOUT_MS, 100, 600_000, 'milliseconds'),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const port = parsePort(env.PORT, 8080);
  const host = env.HOST || '0.0.0.0';
  const dataDir = resolve(env.TC_DATA_DIR || '.tc-data');

  const publicUrl = (env.TC_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`TC_PUBLIC_URL must be an http(s) URL such as https://analytics.example.com, got "${publicUrl}".`);
  }

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://.');
  }

  let masterKey: Buffer;
  if (env.TC_MASTER_KEY) masterKey = decodeKey('TC_MASTER_KEY', env.TC_MASTER_KEY);
  else if (nodeEnv === 'production') {
    throw new ConfigError('TC_MASTER_KEY is required when NODE_ENV=production; make one with: openssl rand -base64 32');
  } else {
    masterKey = decodeKey(
      `TC_MASTER_KEY (from ${join(dataDir, 'master.key')})`,
      developmentKeyFile(dataDir, 'master.key', () => randomBytes(32).toString('base64')),
    );
  }

  let secretKeys: SecretKeyVersion[];
  if (env.TC_SECRET_KEYS) secretKeys = parseSecretKeyring(env.TC_SECRET_KEYS);
  else if (nodeEnv === 'production') {
    throw new ConfigError('TC_SECRET_KEYS is required when NODE_ENV=production, e.g. "v1:$(openssl rand -base64 32)".');
  } else {
    secretKeys = parseSecretKeyring(
      developmentKeyFile(dataDir, 'secret-keys', () => `v1:${randomBytes(32).toString('base64')}`),
      `TC_SECRET_KEYS (from ${join(dataDir, 'secret-keys')})`,
    );
  }

  const logLevel = env.TC_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`TC_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);
  }

  const adminEmail = env.TC_ADMIN_EMAIL || 'admin@example.com';
  if (!/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError(`TC_ADMIN_EMAIL is not an email address: "${adminEmail}".`);
  const adminPassword = env.TC_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 12) {
    throw new ConfigError('TC_ADMIN_PASSWORD must be at least 12 characters long.');
  }

  const rateLimitRaw = env.TC_RATE_LIMIT_PER_MINUTE || '6000';
  const rateLimitPerMinute = Number(rateLimitRaw);
  if (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1) {
    throw new ConfigError(`TC_RATE_LIMIT_PER_MINUTE must be a positive whole number, got "${rateLimitRaw}".`);
  }

  return {
    nodeEnv,
    port,
    host,
    publicUrl,
    dataDir,
    databaseUrl,
    databaseQueryTimeoutMs: parseWholeNumber(env, 'TC_DATABASE_QUERY_TIMEOUT_MS', DEFAULT_DATABASE_QUERY_TIMEOUT_MS, 100, 600_000, 'milliseconds'),
    masterKey,
    secretKeys,
    adminEmail,
    adminPassword,
    logLevel,
    rateLimitPerMinute,
    redisUrl: parseRedisUrl(env.TC_REDIS_URL),
    connectionHosts: parseConnectionHosts(env.TC_CONNECTION_HOSTS),
    trustProxy: parseTrustProxy(env.TC_TRUST_PROXY),
    metricsToken: parseMetricsToken(env.TC_METRICS_TOKEN),
    loadShedding: parseLoadShedding(env),
    assistant: {
      retentionDays: parseWholeNumber(env, 'TC_ASSISTANT_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, 1, MAX_RETENTION_DAYS, 'days'),
      questionsPerMinute: parseWholeNumber(env, 'TC_ASSISTANT_QUESTIONS_PER_MINUTE', DEFAULT_QUESTIONS_PER_MINUTE, 1, 100_000, 'questions'),
      llm: parseLlmProvider(env),
    },
  };
}
