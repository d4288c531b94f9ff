// The Tasks example's service worker: it keeps the app's own files (the
// page, its script and styles) so that the page opens with no server or no
// network, on the data atmos2 keeps in this browser. It never answers for
// the API, the live socket or app-config.json: those are the app's, and
// atmos2 decides what to do when they fail. `[hash]` is the build's (see
// example/webpack.config.js): a new build is a new cache, and the old one goes.
"use strict";

const CACHE = "tasks-shell-[hash]";
const ASSETS = ["app.js?v=[hash]", "app.css?v=[hash]", "task-rows.css?v=[hash]", "narrow.css?v=[hash]", "sync-panel.css?v=[hash]", "sign-in.css?v=[hash]"];
const PAGE = "index.html";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([PAGE, ...ASSETS]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const old = (name) => name.startsWith("tasks-shell-") && name !== CACHE;
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter(old).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // The page: from the network (a new build shows at once), kept for when there is none.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
          }
          return response;
        })
        .catch(() => caches.open(CACHE).then((cache) => cache.match(PAGE)).then((kept) => kept || Response.error())),
    );
    return;
  }
  // The script and styles of this build never change under their URL: kept first.
  const asset = url.pathname.replace(/^.*\//, "") + url.search;
  if (ASSETS.includes(asset)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(request).then((kept) => kept || fetch(request))));
  }
});
