// Turning message text into DOM nodes safely: text only, never HTML, and
// links only for http(s) addresses, opened in a new tab without opener.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

export function safeHttpUrl(candidate) {
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function renderText(document, text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of String(text).matchAll(URL_PATTERN)) {
    const href = safeHttpUrl(match[0]);
    if (!href) continue;
    fragment.append(document.createTextNode(text.slice(last, match.index)));
    const link = document.createElement("a");
    link.href = href;
    link.textContent = match[0];
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    fragment.append(link);
    last = match.index + match[0].length;
  }
  fragment.append(document.createTextNode(String(text).slice(last)));
  return fragment;
}

export function timeLabel(timestampSeconds, locale) {
  const date = new Date(timestampSeconds * 1000);
  try {
    return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(date);
  } catch {
    return date.toTimeString().slice(0, 5);
  }
}
