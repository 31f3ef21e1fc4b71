// The offline queue's store and sender, shared by the page (queue.js) and the service worker
// (sw.js loads this with importScripts and calls self.knotlessFlushQueue() on "sync").
//
// A classic script, not a module, so a service worker can import it everywhere. Entries are
// kept in IndexedDB under their client_id: the same entry put twice (two tabs, a retry) is one
// entry, and the server stores a client_id once (knotless/queued.py), so a send repeated after
// a lost answer cannot double it. Only one tab or worker sends at a time (Web Locks).
//
// An entry: {id, url, fields: [[name, value]...], label, queuedAt, state, message}
//   state "waiting": not sent yet (offline, or the server could not be reached)
//   state "conflict": the server refused it (400/404/409); kept with its words until discarded
(function (self) {
  "use strict";
  const DB = "knotless-queue";
  const STORE = "entries";
  const LOCK = "knotless-queue";
  const CHANNEL = "knotless-queue";

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  let opened = null;
  function open() {
    if (!opened) {
      const req = self.indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
      opened = request(req);
    }
    return opened;
  }

  async function withStore(mode, fn) {
    const db = await open();
    const tx = db.transaction(STORE, mode);
    const result = fn(tx.objectStore(STORE));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result instanceof IDBRequest ? result.result : result;
  }

  function announce(detail) {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(detail);
    channel.close();
  }

  async function put(entry) {
    // An entry already stored under this id keeps its first content: the same id is the same
    // entry, wherever it was put from.
    await withStore("readwrite", (store) => {
      const found = store.get(entry.id);
      found.onsuccess = () => {
        if (!found.result) store.put(entry);
      };
    });
    announce({ type: "changed" });
  }

  function all() {
    return withStore("readonly", (store) => store.getAll()).then((rows) =>
      rows.sort((a, b) => a.queuedAt - b.queuedAt),
    );
  }

  async function get(id) {
    return withStore("readonly", (store) => store.get(id));
  }

  async function remove(id) {
    await withStore("readwrite", (store) => store.delete(id));
    announce({ type: "changed" });
  }

  async function update(entry) {
    await withStore("readwrite", (store) => store.put(entry));
    announce({ type: "changed" });
  }

  // One send. "sent": stored (now or before); "conflict": refused, with the server's words;
  // "offline": no answer (kept for later); "signin": an answer that was not the queue's (a
  // sign-in page, a form that expired): kept until a page can send it.
  async function send(entry, freshToken, now) {
    const body = new URLSearchParams();
    for (const [name, value] of entry.fields) {
      body.append(name, name === "csrfmiddlewaretoken" && freshToken ? freshToken : value);
    }
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        // "now": the page that made it goes on to the answer's page, which shows the server's
        // message; "1": sent in the background, the queue shows the message itself.
        headers: { "X-Knotless-Queue": now ? "now" : "1", Accept: "application/json" },
      });
    } catch {
      return { outcome: "offline" };
    }
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    if (!json) {
      if (response.status >= 500) return { outcome: "offline" };
      return {
        outcome: "signin",
        message: "Sign in again (or reload the page); it is sent once you are signed in.",
      };
    }
    const answer = await response.json().catch(() => ({}));
    if (response.ok && answer.ok) return { outcome: "sent", message: answer.message, next: answer.next };
    if (response.status >= 500) return { outcome: "offline" };
    return { outcome: "conflict", message: answer.message || `The server refused it (${response.status}).` };
  }

  function locked(fn) {
    if (self.navigator && self.navigator.locks) return self.navigator.locks.request(LOCK, fn);
    return fn();
  }

  // Send every waiting entry, oldest first; stops at the first that gets no answer. Resolves
  // to {id: result} for the entries it tried.
  function flush(options) {
    const freshToken = options && options.token;
    const now = options && options.now;
    return locked(async () => {
      const results = {};
      for (const entry of await all()) {
        if (entry.state !== "waiting") continue;
        const result = await send(entry, freshToken, entry.id === now);
        results[entry.id] = result;
        if (result.outcome === "sent") {
          await remove(entry.id);
          if (entry.id !== now) {
            announce({ type: "sent", id: entry.id, label: entry.label, message: result.message });
          }
        } else if (result.outcome === "conflict") {
          await update({ ...entry, state: "conflict", message: result.message });
        } else {
          if (result.message && entry.message !== result.message) {
            await update({ ...entry, message: result.message });
          }
          break; // offline or signed out: the rest would fare no better
        }
      }
      return results;
    });
  }

  self.knotlessQueue = { put, all, get, remove, update, send, flush };
  // For the service worker's "sync": a rejection asks the browser to try again later.
  self.knotlessFlushQueue = () =>
    flush().then((results) => {
      if (Object.values(results).some((r) => r.outcome === "offline")) {
        throw new Error("knotless: still offline, entries kept");
      }
      return results;
    });
})(self);
