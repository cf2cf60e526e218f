// What the widget keeps in the browser: the signed session token, messages
// typed but not yet confirmed by the server, and the open/unread state.
// Storage can be unavailable (private mode, quotas): every call degrades to
// memory instead of throwing.

const PREFIX = "clinicChat.";

function area(kind) {
  try {
    const storage = window[kind];
    const probe = PREFIX + "probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    const memory = new Map();
    return {
      getItem: (key) => (memory.has(key) ? memory.get(key) : null),
      setItem: (key, value) => memory.set(key, String(value)),
      removeItem: (key) => memory.delete(key),
    };
  }
}

export function createStore() {
  const local = area("localStorage");
  const session = area("sessionStorage");
  const readJson = (storage, key, fallback) => {
    try {
      const raw = storage.getItem(PREFIX + key);
      return raw ? JSON.parse(raw) : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    token: () => local.getItem(PREFIX + "token"),
    setToken: (token) => local.setItem(PREFIX + "token", token),
    clearToken: () => local.removeItem(PREFIX + "token"),
    outbox: () => readJson(local, "outbox", []),
    setOutbox: (items) => local.setItem(PREFIX + "outbox", JSON.stringify(items)),
    isOpen: () => session.getItem(PREFIX + "open") === "1",
    setOpen: (open) => session.setItem(PREFIX + "open", open ? "1" : "0"),
    unread: () => Number(session.getItem(PREFIX + "unread") || 0),
    setUnread: (count) => session.setItem(PREFIX + "unread", String(count)),
  };
}
