// The lab's web server: Debian's nginx on its own loopback address, serving what a mail client
// fetches over HTTP(S) for a domain: the autoconfig file at both Thunderbird URLs (over HTTPS,
// and over plain HTTP, which Thunderbird still accepts), a copy of the ISP database entry for the
// lab domain, and the MTA-STS policy (HTTPS only, as RFC 8461 requires). Certificates from the lab
// CA. Config, pid file, temp dirs and content live in the state dir; logs in log/.
import fs from 'node:fs'
import path from 'node:path'
import type { CertSet } from './certs.js'
import type { LabPaths } from './state.js'
import { ADDR, DOMAIN, HOST, PORT } from './topology.js'

export const NGINX = '/usr/sbin/nginx'

export const WEB_NAMES = {
  autoconfig: `autoconfig.${DOMAIN}`,
  wellKnown: DOMAIN,
  mtaSts: `mta-sts.${DOMAIN}`,
  ispdb: `ispdb.${DOMAIN}`,
} as const

/** What the web server serves, as the URLs a client fetches. */
export const WEB_URLS = {
  autoconfigHttps: `https://${WEB_NAMES.autoconfig}/mail/config-v1.1.xml`,
  autoconfigHttp: `http://${WEB_NAMES.autoconfig}/mail/config-v1.1.xml`,
  wellKnownHttps: `https://${WEB_NAMES.wellKnown}/.well-known/autoconfig/mail/config-v1.1.xml`,
  wellKnownHttp: `http://${WEB_NAMES.wellKnown}/.well-known/autoconfig/mail/config-v1.1.xml`,
  /** The ISP database base URL (the `ispdbUrl` setting); the entry is this + the domain. */
  ispdbBase: `https://${WEB_NAMES.ispdb}/v1.1/`,
  mtaStsPolicy: `https://${WEB_NAMES.mtaSts}/.well-known/mta-sts.txt`,
} as const

export function confFile(p: LabPaths): string {
  return path.join(p.conf, 'nginx.conf')
}

export function pidFile(p: LabPaths): string {
  return path.join(p.run, 'nginx.pid')
}

export function errorLog(p: LabPaths): string {
  return path.join(p.log, 'nginx-error.log')
}

function wwwDir(p: LabPaths): string {
  return path.join(p.conf, 'www')
}

export function nginxArgs(p: LabPaths): string[] {
  // -e: the startup error log before the config is read (Debian's default is /var/log/nginx).
  return ['-e', errorLog(p), '-c', confFile(p), '-p', p.run]
}

interface ServerEntry {
  hostname: string
  port: number
  socketType: 'SSL' | 'STARTTLS'
}

function serverXml(kind: 'incomingServer' | 'outgoingServer', type: string, s: ServerEntry): string {
  return [
    `    <${kind} type="${type}">`,
    `      <hostname>${s.hostname}</hostname>`,
    `      <port>${s.port}</port>`,
    `      <socketType>${s.socketType}</socketType>`,
    '      <authentication>password-cleartext</authentication>',
    '      <username>%EMAILADDRESS%</username>',
    `    </${kind}>`,
  ].join('\n')
}

/** A Thunderbird autoconfig file (clientConfig 1.1) for the lab domain. */
export function autoconfigXml(imapHost: string, displayName: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${DOMAIN}">`,
    `    <domain>${DOMAIN}</domain>`,
    `    <displayName>${displayName}</displayName>`,
    `    <displayShortName>Lab</displayShortName>`,
    serverXml('incomingServer', 'imap', { hostname: imapHost, port: PORT.imaps, socketType: 'SSL' }),
    serverXml('incomingServer', 'imap', { hostname: imapHost, port: PORT.imap, socketType: 'STARTTLS' }),
    serverXml('incomingServer', 'pop3', { hostname: `pop.${DOMAIN}`, port: PORT.pop3s, socketType: 'SSL' }),
    serverXml('incomingServer', 'pop3', {
      hostname: `pop.${DOMAIN}`,
      port: PORT.pop3,
      socketType: 'STARTTLS',
    }),
    serverXml('outgoingServer', 'smtp', { hostname: HOST.exim, port: PORT.submissions, socketType: 'SSL' }),
    serverXml('outgoingServer', 'smtp', {
      hostname: HOST.exim,
      port: PORT.submission,
      socketType: 'STARTTLS',
    }),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n')
}

// The ISP database copy names the Perdition proxy for IMAP, unlike the domain's own file, so a
// test can tell which source an endpoint came from (as when the ISP database is out of date).
export const ISPDB_IMAP_HOST = HOST.perdition

export const MTA_STS_POLICY = [
  'version: STSv1',
  'mode: enforce',
  `mx: mail.${DOMAIN}`,
  'max_age: 604800',
  '',
].join('\r\n')

function writeContent(p: LabPaths): void {
  const files: [string, string][] = [
    [
      path.join(WEB_NAMES.autoconfig, 'mail', 'config-v1.1.xml'),
      autoconfigXml(HOST.dovecot, 'Mailwarden Lab'),
    ],
    [
      path.join(WEB_NAMES.wellKnown, '.well-known', 'autoconfig', 'mail', 'config-v1.1.xml'),
      autoconfigXml(HOST.dovecot, 'Mailwarden Lab'),
    ],
    [
      path.join(WEB_NAMES.ispdb, 'v1.1', DOMAIN),
      autoconfigXml(ISPDB_IMAP_HOST, 'Mailwarden Lab (ISP database)'),
    ],
    [path.join(WEB_NAMES.mtaSts, '.well-known', 'mta-sts.txt'), MTA_STS_POLICY],
  ]
  for (const [rel, text] of files) {
    const file = path.join(wwwDir(p), rel)
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 })
    fs.writeFileSync(file, text, { mode: 0o644 })
  }
}

function vhost(name: string, listen: string, root: string, extra: string[] = []): string {
  return [
    '  server {',
    `    listen ${listen};`,
    `    server_name ${name};`,
    `    root ${root};`,
    ...extra.map((l) => `    ${l}`),
    '  }',
  ].join('\n')
}

export function writeNginx(p: LabPaths, certs: CertSet): void {
  writeContent(p)
  const www = wwwDir(p)
  const tmp = path.join(p.run, 'nginx-tmp')
  fs.mkdirSync(tmp, { recursive: true, mode: 0o755 })
  const https = `${ADDR.web}:${PORT.https} ssl`
  const http = `${ADDR.web}:${PORT.http}`
  const root = (name: string) => path.join(www, name)
  const lines = [
    '# Generated by e2e/lab/nginx.ts',
    `pid ${pidFile(p)};`,
    `error_log ${errorLog(p)} info;`,
    'worker_processes 1;',
    'events { worker_connections 64; }',
    'http {',
    `  access_log ${path.join(p.log, 'nginx-access.log')};`,
    `  client_body_temp_path ${tmp}/body;`,
    `  proxy_temp_path ${tmp}/proxy;`,
    `  fastcgi_temp_path ${tmp}/fastcgi;`,
    `  uwsgi_temp_path ${tmp}/uwsgi;`,
    `  scgi_temp_path ${tmp}/scgi;`,
    '  types { text/xml xml; text/plain txt; }',
    // The ISP database entry is named after the domain, without an extension.
    '  default_type text/xml;',
    '  server_tokens off;',
    `  ssl_certificate ${certs.good.web.cert};`,
    `  ssl_certificate_key ${certs.good.web.key};`,
    '  ssl_protocols TLSv1.2 TLSv1.3;',
    // Unknown names get nothing: a client must ask for the right host.
    `  server { listen ${https} default_server; server_name _; return 404; }`,
    `  server { listen ${http} default_server; server_name _; return 404; }`,
    vhost(WEB_NAMES.autoconfig, https, root(WEB_NAMES.autoconfig)),
    vhost(WEB_NAMES.autoconfig, http, root(WEB_NAMES.autoconfig)),
    vhost(WEB_NAMES.wellKnown, https, root(WEB_NAMES.wellKnown)),
    vhost(WEB_NAMES.wellKnown, http, root(WEB_NAMES.wellKnown)),
    vhost(WEB_NAMES.ispdb, https, root(WEB_NAMES.ispdb)),
    // RFC 8461 3.3: the policy is served over HTTPS only; the plain-HTTP name answers 404.
    vhost(WEB_NAMES.mtaSts, https, root(WEB_NAMES.mtaSts)),
    '}',
    '',
  ]
  fs.writeFileSync(confFile(p), lines.join('\n'))
}
