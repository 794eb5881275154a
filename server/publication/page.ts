/**
 * The public pages, rendered on the server as plain HTML: readable with JavaScript off, by crawlers and by link
 * previews. Every value from users goes through `escapeHtml`, and the statement's text through the canonical
 * Markdown renderer, which has no path for raw HTML. The only script is the static `/publication/verify.js`
 * (the CSP allows scripts from our origin only); it adds the copy button, in-page verification and the live filter.
 */
import type { PublicSignatory } from "../../shared/publication";
import { StakeholderGroupLabel, StakeholderGroups } from "../../shared/roles";
import type { StakeholderGroup } from "../../shared/roles";
import { escapeHtml, renderMarkdown } from "./markdown";
import type { FinalVersion, PublicStatement } from "./store";
import { plural, pluralNoun } from "../../shared/plural";

/** "12 March 2026" (UTC). */
export function formatDate(at: number): string {
  return new Date(at).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

const e = escapeHtml;

function shell(opts: { title: string; description: string; url?: string; body: string; robots?: string }): string {
  const og = opts.url
    ? `<meta property="og:type" content="article">
<meta property="og:title" content="${e(opts.title)}">
<meta property="og:description" content="${e(opts.description)}">
<meta property="og:url" content="${e(opts.url)}">
<meta property="og:site_name" content="Concord">
<meta name="twitter:card" content="summary">
<link rel="canonical" href="${e(opts.url)}">`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(opts.title)}</title>
<meta name="description" content="${e(opts.description)}">
${opts.robots ? `<meta name="robots" content="${e(opts.robots)}">` : ""}
${og}
<link rel="stylesheet" href="/publication/public.css">
<script src="/publication/verify.js" defer></script>
</head>
<body>
<header class="pub-top"><a class="pub-brand" href="/">Concord</a></header>
<main class="pub">
${opts.body}
</main>
</body>
</html>
`;
}

/** A short page for the steps of a sign-on (sent, confirmed, withdrawn…), with an optional form to submit. */
export function messagePage(
  title: string,
  paragraphs: string[],
  form?: { action: string; button: string },
  back?: { href: string; label: string },
): string {
  const body = `<h1>${e(title)}</h1>
${paragraphs.map((p) => `<p>${e(p)}</p>`).join("\n")}
${form ? `<form method="post" action="${e(form.action)}"><button type="submit" class="btn">${e(form.button)}</button></form>` : ""}
${back ? `<p><a href="${e(back.href)}">${e(back.label)}</a></p>` : ""}`;
  return shell({ title: `${title} — Concord`, description: title, body, robots: "noindex" });
}

function signatoryItem(s: PublicSignatory): string {
  const group = s.stakeholderGroup ? StakeholderGroupLabel[s.stakeholderGroup] : "";
  const when =
    s.status === "joined"
      ? `<span class="sig-when">joined ${e(formatDate(s.signedAt))}</span>`
      : s.status === "earlier-version"
        ? `<span class="sig-when sig-earlier">signed an earlier version (<code>${e(s.hash.slice(0, 12))}…</code>)</span>`
        : "";
  const site = s.website ? `<span class="sig-site">${e(s.website)}</span>` : "";
  return `<li class="sig sig-${s.status}" data-group="${e(s.stakeholderGroup ?? "")}"><span class="sig-name">${e(s.name)}</span>${
    group ? ` <span class="sig-group">${e(group)}</span>` : ""
  }${when ? ` ${when}` : ""}${site ? ` ${site}` : ""}</li>`;
}

/** What the public page needs. */
export interface PageInput {
  statement: PublicStatement;
  version: FinalVersion;
  versions: FinalVersion[];
  signatories: PublicSignatory[];
  /** The absolute URL of this page (for Open Graph and the canonical link). */
  url: string;
  group: StakeholderGroup | null;
  /** The newest final version is shown (not an earlier one). */
  current: boolean;
  /** The statement is being revised (unlocked) right now. */
  revising: boolean;
}

/** The first paragraph of the text, as plain words, for the description. */
function describe(markdown: string): string {
  const para = markdown.split("\n\n").find((b) => b.trim() !== "" && !b.startsWith("#")) ?? markdown;
  const plain = para
    .replace(/\\(.)/g, "$1")
    .replace(/[*_~`#>[\]]|\]\([^)]*\)/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 197)}…` : plain;
}

/** The public page of one final version. */
export function statementPage(p: PageInput): string {
  const { statement: st, version: v } = p;
  const base = `/p/${encodeURIComponent(st.slug)}`;
  const mdPath = p.current ? `${base}.md` : `${base}/v/${v.versionId}.md`;
  const mdName = p.current ? `${st.slug}.md` : `${st.slug}-v${v.versionId}.md`;
  const shown = p.group ? p.signatories.filter((s) => s.stakeholderGroup === p.group) : p.signatories;
  const earlierCount = p.signatories.filter((s) => s.status === "earlier-version").length;
  const groupsPresent = StakeholderGroups.filter((g) => p.signatories.some((s) => s.stakeholderGroup === g));
  const notice = !p.current
    ? `<p class="pub-notice">This is an earlier final version. <a href="${e(base)}">Read the current one.</a></p>`
    : p.revising
      ? `<p class="pub-notice">The coalition is revising this statement; the text below stays the final version until a new one is locked.</p>`
      : "";
  const others = p.versions.filter((x) => x.versionId !== v.versionId);
  const ordinal = (x: FinalVersion) => p.versions.findIndex((y) => y.versionId === x.versionId) + 1;
  const body = `
<article class="pub-head" data-hash="${e(v.hash)}" data-md="${e(mdPath)}" id="statement">
<p class="pub-kicker">Final statement</p>
<h1>${e(st.title)}</h1>
<p class="pub-meta">Locked on <time datetime="${new Date(v.lockedAt).toISOString()}">${e(formatDate(v.lockedAt))}</time>${
    p.versions.length > 1 ? ` · final version ${ordinal(v)} of ${p.versions.length}` : ""
  }</p>
${notice}
<div class="pub-text">
${renderMarkdown(v.markdown)}
</div>
</article>

<section class="pub-section" id="hash" aria-labelledby="hash-title">
<h2 id="hash-title">SHA-256 of the text</h2>
<p class="pub-hash"><code id="pub-hash">${e(v.hash)}</code> <button type="button" class="btn btn-small js-only" data-copy="pub-hash" hidden>Copy</button></p>
</section>

<section class="pub-section" id="signatories" aria-labelledby="sig-title">
<h2 id="sig-title">Signatories <span class="sig-count" id="sig-count">${shown.length}${p.group ? ` of ${p.signatories.length}` : ""}</span></h2>
${earlierCount ? `<p class="muted">${plural(earlierCount, "organization")} signed an earlier version and ${pluralNoun(earlierCount, "has", "have")} not confirmed this text yet.</p>` : ""}
<form method="get" action="${e(p.current ? base : `${base}/v/${v.versionId}`)}" class="sig-filter">
<label for="group">Show stakeholder group</label>
<select name="group" id="group">
<option value="">All groups</option>
${groupsPresent.map((g) => `<option value="${g}"${p.group === g ? " selected" : ""}>${e(StakeholderGroupLabel[g])}</option>`).join("\n")}
</select>
<button type="submit" class="btn btn-small">Filter</button>
</form>
${shown.length ? `<ol class="sig-list" id="sig-list">\n${shown.map(signatoryItem).join("\n")}\n</ol>` : `<p class="muted">No signatories${p.group ? " in this group" : ""} yet.</p>`}
</section>

<section class="pub-section" id="verify" aria-labelledby="verify-title">
<h2 id="verify-title">Verify this text</h2>
<ol class="verify-steps">
<li><a href="${e(mdPath)}" download="${e(mdName)}" id="download-md">Download the canonical text (${e(mdName)})</a>.</li>
<li>Run <pre><code>sha256sum ${e(mdName)}</code></pre> It must print <pre><code id="expected-output">${e(v.hash)}  ${e(mdName)}</code></pre></li>
</ol>
<div class="verify-box js-only" id="verify-box" hidden>
<p>Or check a file here, in your browser (nothing is uploaded):</p>
<label class="drop" id="verify-drop" for="verify-file">Drop a file here, or choose one <input type="file" id="verify-file" accept=".md,.txt,text/*"></label>
<label for="verify-text">…or paste the text</label>
<textarea id="verify-text" rows="6" spellcheck="false"></textarea>
<p><button type="button" class="btn" id="verify-run">Check the pasted text</button></p>
<div id="verify-result" role="status" aria-live="polite"></div>
</div>
<noscript><p class="muted">Checking in the page needs JavaScript; the command above works without it.</p></noscript>
</section>

${p.current && !p.revising ? signOnForm(base) : ""}

${
  others.length
    ? `<section class="pub-section" id="versions" aria-labelledby="versions-title"><h2 id="versions-title">Other final versions</h2><ul>${others
        .map(
          (x) =>
            `<li><a href="${e(x.versionId === p.versions[p.versions.length - 1].versionId ? base : `${base}/v/${x.versionId}`)}">Final version ${ordinal(x)}, locked ${e(formatDate(x.lockedAt))}</a> <code>${e(x.hash)}</code></li>`,
        )
        .join("")}</ul></section>`
    : ""
}
`;
  return shell({ title: st.title, description: describe(v.markdown) || st.title, url: p.url, body });
}

function signOnForm(base: string): string {
  const field = (name: string, label: string, type = "text", extra = "") =>
    `<p><label for="so-${name}">${e(label)}</label><input id="so-${name}" name="${name}" type="${type}" required ${extra}></p>`;
  return `<section class="pub-section" id="sign-on" aria-labelledby="sign-on-title">
<h2 id="sign-on-title">Sign on to this statement</h2>
<p>Organizations can ask to be listed as signatories of this exact text. We send a link to confirm your email address; the convener then reviews the request.</p>
<form method="post" action="${e(base)}/sign-on" class="sign-on-form">
${field("organization", "Organization name", "text", 'maxlength="200" autocomplete="organization"')}
${field("website", "Website", "text", 'maxlength="300" placeholder="https://example.org" autocomplete="url"')}
${field("country", "Country", "text", 'maxlength="100" autocomplete="country-name"')}
<p><label for="so-stakeholderGroup">Stakeholder group</label><select id="so-stakeholderGroup" name="stakeholderGroup" required>
${StakeholderGroups.map((g) => `<option value="${g}">${e(StakeholderGroupLabel[g])}</option>`).join("")}
</select></p>
${field("contactName", "Your name", "text", 'maxlength="200" autocomplete="name"')}
${field("contactTitle", "Your title", "text", 'maxlength="200" autocomplete="organization-title"')}
${field("email", "Your email", "email", 'maxlength="254" autocomplete="email"')}
<div class="hp" aria-hidden="true"><label for="so-website_url">Leave this field empty</label><input id="so-website_url" name="website_url" type="text" tabindex="-1" autocomplete="off"></div>
<p class="check"><input id="so-authorized" name="authorized" type="checkbox" required> <label for="so-authorized">I am authorized to sign on behalf of this organization.</label></p>
<p><button type="submit" class="btn">Request to sign on</button></p>
</form>
</section>`;
}
