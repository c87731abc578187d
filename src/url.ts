/**
 * Strict URL grammars for the URLs that land in kubeconfigs and Argo CD Applications. `new URL()` is
 * far too lenient for that (it accepts `https:host`, `https:///host`, tabs, and keeps a query that
 * breaks out of a line), so each URL is parsed here by the grammar of the place it lands in, and a
 * problem says which part is wrong.
 */
import { checkHost, Host, isHost } from './host';
import { firstUnsafeCharacter, hasTemplateDelimiter } from './names';

/** A URL that passed the checks. */
export interface CheckedUrl {
  readonly scheme: string;
  readonly host: string;
  readonly hostKind: Host;
  readonly port?: number;
  readonly path: string;
}

/** What is wrong with a URL: the part, why, and (when there is an obvious one) the corrected URL. */
export interface UrlProblem {
  readonly problem: string;
  readonly fix?: string;
  /** The URL with a password replaced by `***`, to show instead of the value (never print a secret). */
  readonly redacted?: string;
}

/** Options of {@link checkUrl}. */
export interface UrlGrammar {
  /** Allowed schemes, lowercase, e.g. `['https']`. */
  readonly schemes: readonly string[];
  /**
   * `prefix`: an optional path of plain segments (a path prefix such as Rancher's `/k8s/clusters/<id>`,
   * which client-go prepends to every request); `required`: such a path must be present (a repository).
   */
  readonly path: 'prefix' | 'required';
  /** Whether a user name (never a password) may precede the host, as `git@` in ssh URLs. @default false */
  readonly allowUser?: boolean;
}

// RFC 3986 unreserved characters: nothing in a segment can start a query, a fragment, a YAML comment
// or a template, and nothing needs percent-encoding.
const PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * Checks `text` as `scheme://[user@]host[:port][/path]`: the scheme one of `grammar.schemes` followed by
 * `//`; the host a DNS-1123 subdomain, a strictly parsed IPv4 address or a bracketed IPv6 address; the
 * port 1-65535; the path plain segments (no `.`/`..`, no empty ones); no password, no query, no fragment,
 * no whitespace or control character, no template delimiter.
 */
export function checkUrl(text: string, grammar: UrlGrammar): CheckedUrl | UrlProblem {
  if (hasTemplateDelimiter(text)) return { problem: 'contains "{{" or "}}", template delimiters that the External Secrets Operator would execute when it renders the kubeconfig' };
  const unsafe = firstUnsafeCharacter(text);
  if (unsafe) return { problem: `contains a whitespace or control character (${unsafe}); in a kubeconfig or manifest it could start a new line or field`, fix: 'remove it' };
  const expected = grammar.schemes.map((s) => `${s}://`).join(' or ');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  if (!scheme) return { problem: `has no scheme; it must start with ${expected}` };
  if (!grammar.schemes.includes(scheme[1])) {
    return grammar.schemes.includes(scheme[1].toLowerCase())
      ? { problem: `has the scheme "${scheme[1]}"; write it in lowercase`, fix: `start it with ${scheme[1].toLowerCase()}://` }
      : { problem: `has the scheme "${scheme[1]}"; only ${expected} is allowed` };
  }
  let rest = text.slice(scheme[0].length);
  if (!rest.startsWith('//')) return { problem: `has "${scheme[0]}" not followed by "//"`, fix: `write ${scheme[1]}://${rest.replace(/^\/*/, '')}` };
  rest = rest.slice(2);
  if (rest.includes('#')) return { problem: 'has a fragment ("#..."); a server URL has none, and YAML reads " #" as the start of a comment', fix: `remove "${rest.slice(rest.indexOf('#'))}"` };
  if (rest.includes('?')) return { problem: 'has a query ("?..."); a server URL has none', fix: `remove "${rest.slice(rest.indexOf('?'))}"` };
  const slash = rest.indexOf('/');
  let authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (userinfo.includes(':')) {
      const redacted = `${scheme[1]}://${userinfo.slice(0, userinfo.indexOf(':'))}:***@${rest.slice(at + 1)}`;
      return { problem: 'has a user name and password ("user:***@"); a password in a URL would be committed to git in the output', fix: 'remove the credentials from the URL and rotate that password: it may already be in git history', redacted };
    }
    if (!grammar.allowUser || !/^[A-Za-z0-9._-]+$/.test(userinfo)) {
      // Not shown: a token used as a user name is as secret as a password.
      return {
        problem: 'has a user name before "@" (shown as ***); credentials never belong in the URL (a token used as a user name would be committed to git)',
        fix: 'remove everything between "//" and "@", and rotate that credential if it is a token',
        redacted: `${scheme[1]}://***@${rest.slice(at + 1)}`,
      };
    }
    authority = authority.slice(at + 1);
  }
  let host: string;
  let port: string | undefined;
  let hostKind: Host;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return { problem: 'has "[" without "]" around an IPv6 host' };
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return { problem: `has "${after}" after the bracketed host` };
    port = after === '' ? undefined : after.slice(1);
    const h = checkHost(host);
    if (!isHost(h) || h.kind !== 'ipv6') return { problem: `has the bracketed host "${host}", which is not an IPv6 address` };
    hostKind = h;
  } else {
    const colon = authority.indexOf(':');
    host = colon < 0 ? authority : authority.slice(0, colon);
    port = colon < 0 ? undefined : authority.slice(colon + 1);
    if (port !== undefined && port.includes(':')) return { problem: 'has a host with several ":"; an IPv6 host is written in brackets', fix: `write ${scheme[1]}://[${authority}]` };
    if (host === '') return { problem: 'has no host' + (path !== '' ? ` (the text after "${scheme[1]}://" starts with "/")` : ''), fix: `write ${scheme[1]}://<host>[:<port>]` };
    const h = checkHost(host);
    if (!isHost(h)) return { problem: `has the host "${host}", which ${h.problem}`, fix: h.fix };
    hostKind = h;
  }
  if (port !== undefined && !/^[1-9][0-9]{0,4}$/.test(port) || Number(port ?? 1) > 65535) {
    return { problem: `has the port "${port}"; a port is a number 1-65535 without leading zeros` };
  }
  if (path !== '' && path !== '/') {
    const segments = path.replace(/\/$/, '').slice(1).split('/');
    const bad = segments.find((s) => s === '' || s === '.' || s === '..' || !PATH_SEGMENT.test(s));
    if (bad !== undefined) {
      return { problem: `has the path "${path}" with ${bad === '' ? 'an empty segment' : `the segment "${bad}"`}; path segments are letters, digits, "-", ".", "_" and "~", never "." or ".."` };
    }
  } else if (grammar.path === 'required') {
    return { problem: 'has no path' };
  }
  return { scheme: scheme[1], host, hostKind, port: port === undefined ? undefined : Number(port), path };
}

/** True when a check found a URL. */
export function isUrl(c: CheckedUrl | UrlProblem): c is CheckedUrl {
  return (c as CheckedUrl).host !== undefined;
}

/**
 * Checks a Git repository URL as Argo CD takes it: `https://host/path`, `ssh://[user@]host/path` or the
 * scp form `user@host:path`; never a password or token.
 */
export function checkRepoUrl(text: string): CheckedUrl | UrlProblem {
  const scp = /^([A-Za-z0-9._-]+)@([^:/]+):(?!\/\/)(.*)$/.exec(text);
  if (scp && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    // git@host:org/repo.git is ssh://git@host/org/repo.git
    const r = checkUrl(`ssh://${scp[1]}@${scp[2]}/${scp[3]}`, { schemes: ['ssh'], path: 'required', allowUser: true });
    return isUrl(r) ? r : { ...r, fix: r.fix && `${r.fix} (the scp form ${scp[1]}@${scp[2]}:<path> is read as ssh://${scp[1]}@${scp[2]}/<path>)` };
  }
  if (/^ssh:/i.test(text)) return checkUrl(text, { schemes: ['ssh'], path: 'required', allowUser: true });
  return checkUrl(text, { schemes: ['https', 'http'], path: 'required' });
}
