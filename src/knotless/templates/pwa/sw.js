{% autoescape off %}// knotless' service worker (issue 18), drawn by knotless/pwa/views.py for this deploy.
//
// Static files (fingerprinted names) come from the cache first; pages come from the network
// first and from the cache only when there is none, under a banner saying how old they are.
// Every cache name carries the deploy's version: a new deploy installs a new worker, which
// takes over at once and deletes the old caches, and pages reload once (pwa.js), so no page
// mixes two versions.
"use strict";

const VERSION = "{{ version }}";
const SHELL = `knotless-shell-${VERSION}`;
const PAGES = `knotless-pages-${VERSION}`;
const SHELL_URLS = {{ shell }};
const OFFLINE_URL = {{ offline_url }};
const PRECACHE_URL = {{ precache_url }};
// Pages never kept: sign-in, account and data, sharing, admin.
const NEVER = /^\/(login|logout|setup|account|shared|admin|_cli)\b/;

try {
  importScripts({{ queue_script }}); // the offline queue's sender: self.knotlessFlushQueue
} catch (error) {
  console.warn("knotless: no offline queue sender", error);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      await shell.addAll(SHELL_URLS);
      await keepPages();
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("knotless-") && name !== SHELL && name !== PAGES)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

// The pages and figures this person uses, fetched afresh for this version.
async function keepPages() {
  let urls = [];
  try {
    const response = await fetch(PRECACHE_URL, { credentials: "same-origin" });
    if (response.ok && !response.redirected) urls = (await response.json()).urls;
  } catch {
    return; // offline while installing: pages are kept as they are visited
  }
  for (const url of urls) {
    // One at a time: a phone on a slow line, and the server, get one request, not thirty.
    await fetchAndKeep(new Request(url)).catch(() => null);
  }
}

function keepable(request, response) {
  const url = new URL(request.url);
  return (
    response.ok &&
    !response.redirected &&
    response.type === "basic" &&
    !NEVER.test(url.pathname)
  );
}

// A copy stamped with when it was fetched, for the offline banner. The page gets the network's
// answer at once; the copy is written alongside (``event`` keeps the worker alive for it).
async function fetchAndKeep(request, event) {
  const response = await fetch(request);
  if (keepable(request, response)) {
    const keeping = keep(request.url, response.clone());
    if (event) event.waitUntil(keeping);
    else await keeping;
  }
  return response;
}

async function keep(url, response) {
  const headers = new Headers(response.headers);
  headers.set("X-Knotless-Saved", new Date().toISOString());
  const copy = new Response(await response.blob(), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  await (await caches.open(PAGES)).put(url, copy);
}

function escape(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// A kept page, told apart from a fresh one: health data must never look current when it is not.
async function withBanner(cached) {
  const saved = cached.headers.get("X-Knotless-Saved");
  const when = saved ? new Date(saved) : null;
  let age = "an earlier visit";
  if (when) {
    age = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (when.toDateString() !== new Date().toDateString()) age += `, ${when.toLocaleDateString()}`;
  }
  const banner =
    `<p class="offline-banner" role="status" data-saved="${escape(saved || "")}">` +
    `<strong>Offline — this page is from ${escape(age)}.</strong> ` +
    "It may have changed since. What you log now waits on this device and is sent when you are back online.</p>";
  const html = (await cached.text()).replace('<main id="main">', `<main id="main">${banner}`);
  const headers = new Headers(cached.headers);
  headers.set("X-Knotless-Offline", "1");
  return new Response(html, { status: 200, headers });
}

async function page(request, event) {
  try {
    return await fetchAndKeep(request, event);
  } catch (error) {
    const cached = await caches.match(request.url, { cacheName: PAGES });
    if (cached) {
      const type = cached.headers.get("Content-Type") || "";
      return type.startsWith("text/html") ? withBanner(cached) : cached;
    }
    if (request.mode === "navigate") {
      const fallback = await caches.match(OFFLINE_URL, { cacheName: SHELL });
      if (fallback) return fallback;
    }
    throw error;
  }
}

async function staticFile(request) {
  const cached = await caches.match(request, { cacheName: SHELL });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Signing out forgets the pages kept for this person (a shared phone or computer).
    if (url.pathname.startsWith("/logout")) event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" || /\.svg$/.test(url.pathname)) {
    // Pages and exercise figures; JSON and other calls go to the network untouched.
    event.respondWith(page(request, event));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "knotless-queue" && typeof self.knotlessFlushQueue === "function") {
    event.waitUntil(self.knotlessFlushQueue());
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "version" && event.source) event.source.postMessage({ version: VERSION });
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const same = open.find((client) => client.url === target);
      if (same) return same.focus();
      return self.clients.openWindow(target);
    })(),
  );
});
{% endautoescape %}
