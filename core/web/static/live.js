// Live refresh, the tab side: one `/events` stream per browser, not one per tab.
//
// Pages say what they refresh on with htmx triggers such as `hx-trigger="sse:case-42"` or
// `hx-trigger="every 10s, sse:worklists"`; this script fires those events on the elements that
// ask for them. The stream itself lives in one place per browser and person:
//
// 1. a SharedWorker (live-worker.js) that every tab connects to; or, where the browser has no
//    SharedWorker,
// 2. a leader tab, elected with the Web Locks API: the tab holding the lock opens the stream
//    and relays its events to the other tabs over a BroadcastChannel; when it closes, the lock
//    passes to a waiting tab, which opens the stream in its turn; or, with neither API,
// 3. a stream of the tab's own (what every tab did before).
//
// After the stream comes back from an interruption, every live element refreshes (events sent
// meanwhile are lost); while it is down, the page says so (#live-status).
"use strict";

(function () {
  var body = document.body;
  var stream = body && body.getAttribute("data-live");
  if (!stream) {
    return;
  }
  var key = "hamyar-live:" + (body.getAttribute("data-live-user") || "");

  function triggers(element) {
    // The element's live event names: the first word of each comma-separated trigger spec.
    return (element.getAttribute("hx-trigger") || "")
      .split(",")
      .map(function (spec) {
        return spec.trim().split(/\s+/)[0];
      })
      .filter(function (event) {
        return event.indexOf("sse:") === 0;
      });
  }

  // htmx drops a trigger that arrives while the element's last request is still in flight
  // (and while a swapped-in element settles, it still wears the old one's classes), and that
  // request may answer with what was true before the change: such an event waits, by the
  // element's id, until the swap has settled or the request ended, and then fires.
  var pending = {};

  function dispatch(element, event) {
    if (element.id && element.classList.contains("htmx-request")) {
      var waiting = pending[element.id] || (pending[element.id] = []);
      if (waiting.indexOf(event) < 0) {
        waiting.push(event);
      }
      return;
    }
    element.dispatchEvent(new CustomEvent(event, { bubbles: false }));
  }

  function release() {
    Object.keys(pending).forEach(function (id) {
      var element = document.getElementById(id);
      var waiting = pending[id];
      if (!element) {
        delete pending[id];
      } else if (!element.classList.contains("htmx-request")) {
        delete pending[id];
        waiting.forEach(function (event) {
          dispatch(element, event);
        });
      }
    });
  }

  ["htmx:afterSettle", "htmx:afterRequest"].forEach(function (name) {
    document.addEventListener(name, function () {
      setTimeout(release, 0);
    });
  });

  function fire(names) {
    // "*" (after a reconnection): every live element refreshes.
    var elements = document.querySelectorAll('[hx-trigger*="sse:"]');
    Array.prototype.forEach.call(elements, function (element) {
      triggers(element).forEach(function (event) {
        if (names.indexOf("*") >= 0 || names.indexOf(event.slice(4)) >= 0) {
          dispatch(element, event);
        }
      });
    });
  }

  var shown = false;
  function showState(state) {
    body.setAttribute("data-live-state", state);
    var notice = document.getElementById("live-status");
    if (!notice) {
      return;
    }
    // Say so only once the stream had been up: a page still connecting is not interrupted.
    if (state === "open") {
      shown = true;
      notice.hidden = true;
    } else if (shown && state === "down") {
      notice.hidden = false;
    }
  }

  function handle(message) {
    if (!message || typeof message !== "object") {
      return;
    }
    if (message.type === "events" && Array.isArray(message.names)) {
      fire(message.names);
    } else if (message.type === "resync") {
      fire(["*"]);
    } else if (message.type === "state") {
      showState(message.state);
    }
  }

  // An EventSource of this tab's own, for the leader and for the last resort; `relay` gets
  // every message the tab handles, so a leader can pass them on.
  function ownStream(relay, tookOver) {
    var everOpen = Boolean(tookOver);
    var source = null;
    var retryMs = 1000;
    function emit(message) {
      handle(message);
      relay(message);
    }
    function open() {
      source = new EventSource(stream);
      emit({ type: "state", state: "connecting" });
      source.onmessage = function (event) {
        var data;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (data && data.ready) {
          // The server subscribed: from here on nothing is missed.
          retryMs = 1000;
          body.setAttribute("data-live-own", "ready");
          emit({ type: "state", state: "open" });
          if (everOpen) {
            emit({ type: "resync" });
          }
          everOpen = true;
        } else if (data && Array.isArray(data.events)) {
          emit({ type: "events", names: data.events });
        }
      };
      source.onerror = function () {
        emit({ type: "state", state: "down" });
        if (source.readyState === EventSource.CLOSED) {
          setTimeout(open, retryMs);
          retryMs = Math.min(retryMs * 2, 30000);
        }
      };
    }
    open();
    window.addEventListener("pagehide", function () {
      if (source) {
        source.close();
      }
    });
  }

  if (typeof SharedWorker === "function") {
    var worker = new SharedWorker("/static/live-worker.js", { name: key });
    worker.port.onmessage = function (event) {
      handle(event.data);
    };
    worker.port.start();
    window.addEventListener("pagehide", function () {
      worker.port.postMessage({ type: "bye" });
    });
    return;
  }

  if (typeof BroadcastChannel === "function" && navigator.locks) {
    var channel = new BroadcastChannel(key);
    var leading = false;
    var lastState = "connecting";
    channel.onmessage = function (event) {
      if (leading) {
        if (event.data && event.data.type === "hello") {
          channel.postMessage({ type: "state", state: lastState });
        }
      } else {
        handle(event.data);
      }
    };
    body.setAttribute("data-live-role", "follower");
    var lead = function (tookOver) {
      leading = true;
      body.setAttribute("data-live-role", "leader");
      ownStream(function (message) {
        if (message.type === "state") {
          lastState = message.state;
        }
        channel.postMessage(message);
      }, tookOver);
      // Held until the tab closes: the browser then gives the lock to the next tab waiting.
      return new Promise(function () {});
    };
    navigator.locks.request(key, { ifAvailable: true }, function (lock) {
      if (lock) {
        return lead(false);
      }
      channel.postMessage({ type: "hello" });
      // The leader may close while we wait: taking over, we refresh what we show (events sent
      // between its stream and ours are lost).
      navigator.locks.request(key, function () {
        return lead(true);
      });
      return null;
    });
    return;
  }

  ownStream(function () {});
})();
