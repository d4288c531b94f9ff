import { expect } from "chai";
import { IndexedDBStore } from "../../../lib/store/indexeddb-store";
import type { Store } from "../../../lib/store/store";
import { WebStorageStore } from "../../../lib/store/web-storage-store";
import { messageFromBody, parseRetryAfter, storageFailure } from "../../../lib/sync/sync-error";
import { MemoryStorage } from "../../fakes/memory-storage";

describe("readable error messages", () => {
  it("takes Google's error.message", () => {
    expect(messageFromBody(404, { error: { code: 404, message: "Task list not found.", errors: [] } })).to.equal("Task list not found.");
  });

  it("spells out a Rails 422 hash", () => {
    expect(messageFromBody(422, { title: ["can't be blank", "is too short"], base: ["Locked"] })).to.equal("title can't be blank, title is too short, Locked");
  });

  // Found by a hostile-server review: these read "answered 422: HTTP 422", or
  // "title Unprocessable, detail …, type about:blank".
  it("spells out Rails' { errors: { … } } (an API app's render json: { errors: record.errors })", () => {
    expect(messageFromBody(422, { errors: { title: ["can't be blank"], due: ["is invalid"] } })).to.equal("title can't be blank, due is invalid");
    expect(messageFromBody(422, { errors: ["Title can't be blank", "Due is invalid"] })).to.equal("Title can't be blank, Due is invalid");
  });

  it("takes the detail of each JSON:API error, else its title", () => {
    const body = { errors: [{ status: "422", source: { pointer: "/data/attributes/title" }, title: "Invalid Attribute", detail: "Title can't be blank" }, { title: "Due is invalid" }] };
    expect(messageFromBody(422, body)).to.equal("Title can't be blank, Due is invalid");
  });

  it("takes a problem document's detail, else its title (RFC 9457)", () => {
    expect(messageFromBody(422, { type: "about:blank", title: "Unprocessable Content", status: 422, detail: "title can't be blank" })).to.equal("title can't be blank");
    expect(messageFromBody(409, { type: "about:blank", title: "Conflict", status: 409 })).to.equal("Conflict");
  });

  it("takes the title of an HTML error page, or its text", () => {
    expect(messageFromBody(500, "<html><head><title>Oops</title></head><body><h1>Big</h1></body></html>")).to.equal("Oops");
    expect(messageFromBody(502, "<h1>Bad   gateway</h1>")).to.equal("Bad gateway");
  });

  // Found by an outside review: Express's own 404 page (a route that is not there) said only "Error".
  it("takes the text of an HTML error page whose title only says Error", () => {
    const express = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /api/tasks</pre>\n</body>\n</html>\n';
    expect(messageFromBody(404, express)).to.equal("Cannot GET /api/tasks");
  });

  it("falls back to the status", () => {
    expect(messageFromBody(503, null)).to.equal("HTTP 503");
    expect(messageFromBody(500, "   ")).to.equal("HTTP 500");
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2024-05-01T12:00:00Z");
    expect(parseRetryAfter("120", now)).to.equal(120000);
    expect(parseRetryAfter("Wed, 01 May 2024 12:00:30 GMT", now)).to.equal(30000);
    expect(parseRetryAfter("Wed, 01 May 2024 11:00:00 GMT", now)).to.equal(0);
    expect(parseRetryAfter("soon", now)).to.equal(undefined);
    expect(parseRetryAfter(null, now)).to.equal(undefined);
    expect(parseRetryAfter("99999999999", now), "at most a day").to.equal(86_400_000);
    expect(parseRetryAfter("Fri, 01 May 2099 12:00:00 GMT", now), "at most a day").to.equal(86_400_000);
  });

  // Found by an outside review: a full IndexedDB store was told to keep larger data in the IndexedDB store.
  it("advises the IndexedDB store when localStorage is full, and not when the IndexedDB store is", () => {
    const full = Object.assign(new Error("the quota has been exceeded"), { name: "QuotaExceededError" });
    const message = (store: Store) => storageFailure(full, "Todo", null, store.whenFull).error.message;
    expect(message(new WebStorageStore(new MemoryStorage()))).to.contain("keep larger data in the IndexedDB store (atmos2/indexeddb)");
    const idb = new IndexedDBStore("full", {} as never, { storage: null, locks: null });
    expect(message(idb)).to.contain("storage is full").and.not.contain("IndexedDB store");
  });
});

