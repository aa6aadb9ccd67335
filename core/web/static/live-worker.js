// The one live connection of a browser: a SharedWorker that holds the `/events` stream for every
// tab of the signed-in person and passes each event on to all of them (live.js is the tab side).
//
// Why: a browser opens at most six HTTP/1.1 connections per host, and a stream holds one for as
// long as its page is open; with one stream per tab the seventh tab never loaded. One worker per
// person and browser (the worker's name carries the username, so a different person signed in
// later gets a stream of their own) keeps that to one connection, however many tabs are open.
//
// The server's first message, {"ready": true}, says it has subscribed; then come
// {"events": [...]}. Messages to a tab: {type: "state", state: "connecting" | "open" | "down"} and
// {type: "events", names: ["case-42", "worklists"]}; after a reconnection, {type: "resync"}
// (events sent while the stream was down are lost, so every tab refreshes what it shows).
// Messages from a tab: {type: "bye"} when it goes away.
"use strict";

var STREAM = "/events";
var FIRST_RETRY_MS = 1000;
var LAST_RETRY_MS = 30000;

var ports = [];
var source = null;
var state = "connecting";
var everOpen = false;
var retryMs = FIRST_RETRY_MS;
var retryTimer = null;
var idleTimer = null;
var IDLE_MS = 5000;

function post(port, message) {
  try {
    port.postMessage(message);
  } catch (error) {
    drop(port);
  }
}

function broadcast(message) {
  ports.slice().forEach(function (port) {
    post(port, message);
  });
}

function setState(next) {
  if (state !== next) {
    state = next;
    broadcast({ type: "state", state: state });
  }
}

function drop(port) {
  ports = ports.filter(function (p) {
    return p !== port;
  });
  if (ports.length === 0 && idleTimer === null) {
    // A tab going from one page to the next says bye and connects again a moment later: keep
    // the stream for that moment instead of closing and reopening it on every click.
    idleTimer = setTimeout(function () {
      idleTimer = null;
      if (ports.length === 0) {
        stop();
        everOpen = false;
      }
    }, IDLE_MS);
  }
}

function stop() {
  if (retryTimer !== null) {
    clearTimeout(retryTimer);
    retryTimer = null;
  }
  if (source !== null) {
    source.close();
    source = null;
  }
}

function scheduleRetry() {
  // The server ended the stream for good (a restart, a session that expired: EventSource does
  // not retry after an error status), so we open a new one, waiting longer each time.
  if (retryTimer !== null || ports.length === 0) {
    return;
  }
  retryTimer = setTimeout(function () {
    retryTimer = null;
    open();
  }, retryMs);
  retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
}

function open() {
  stop();
  setState("connecting");
  source = new EventSource(STREAM);
  source.onmessage = function (event) {
    var data;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (data && data.ready) {
      // The server subscribed: the stream is up, and nothing after this is missed.
      retryMs = FIRST_RETRY_MS;
      var reconnected = everOpen;
      everOpen = true;
      setState("open");
      if (reconnected) {
        broadcast({ type: "resync" });
      }
    } else if (data && Array.isArray(data.events)) {
      broadcast({ type: "events", names: data.events });
    }
  };
  source.onerror = function () {
    // CONNECTING: the browser retries by itself; CLOSED: it gave up, and so we retry.
    setState("down");
    if (source !== null && source.readyState === EventSource.CLOSED) {
      scheduleRetry();
    }
  };
}

self.onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  port.onmessage = function (message) {
    if (message.data && message.data.type === "bye") {
      drop(port);
    }
  };
  port.start();
  if (idleTimer !== null) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  post(port, { type: "state", state: state });
  if (source === null) {
    open();
  }
};
