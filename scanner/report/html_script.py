"""The HTML report's script, part one: DOM helpers and the paged, searchable, sortable table."""

from __future__ import annotations

from scanner.report.html_views import VIEWS

# Builds rows with createElement and textContent only (no innerHTML, no eval): data never
# becomes markup, so text from input cannot turn into elements whatever it holds. Only the
# rows of the page on screen exist in the DOM; the rest stays in the embedded data.
ENGINE = r"""
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var D = {}, S = [];
  var RANK = {info: 0, low: 1, medium: 2, high: 3, critical: 4};
  var s = function (i) { return S[i] || ""; };
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var num = function (n) { return n.toLocaleString("en-US"); };

  function add(node, kid) {
    if (kid === null || kid === undefined || kid === "") { return; }
    if (Array.isArray(kid)) { kid.forEach(function (k) { add(node, k); }); return; }
    node.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
  }
  function el(tag, cls, kids) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    add(node, kids);
    return node;
  }
  function badge(text, cls) { return el("span", "badge " + cls, text); }
  function para(label, value) {
    return value && value.length !== 0 ? el("p", "", [el("b", "", label), " ", value]) : null;
  }
  function link(url, ok) {
    // The server only flags printable http(s) URLs with a host; the test here is a second lock.
    if (ok && /^https?:\/\/[^\s"<>`]+$/i.test(url)) {
      var a = el("a", "", url);
      a.href = url;
      a.rel = "noreferrer noopener";
      a.target = "_blank";
      return a;
    }
    return el("span", "mono", url || "—");
  }
  function places(flat) {
    var out = [];
    for (var i = 0; i < flat.length; i += 2) {
      out.push(s(flat[i]) + (flat[i + 1] ? ":" + flat[i + 1] : ""));
    }
    return out;
  }
  function lines(items, cls) {
    return items.map(function (t, n) { return [n ? el("br") : null, el("span", cls, t)]; });
  }
  function grid(heads, flat, stride, cells) {
    var body = el("tbody");
    for (var i = 0; i < flat.length; i += stride) {
      body.appendChild(el("tr", "", cells(flat, i).map(function (c) { return el("td", "", c); })));
    }
    var head = el("tr", "", heads.map(function (h) { return el("th", "", h); }));
    return el("table", "evidence", [el("thead", "", head), body]);
  }
  function capped(items, limit, make, holder) {
    // A long list shows its first items and a button for the rest, built only when asked.
    items.slice(0, limit).forEach(function (x) { add(holder, make(x)); });
    if (items.length > limit) {
      var rest = el("button", "more", "Show all " + items.length);
      rest.type = "button";
      rest.addEventListener("click", function () {
        rest.remove();
        items.slice(limit).forEach(function (x) { add(holder, make(x)); });
      });
      add(holder, rest);
    }
    return holder;
  }

  function Table(id, rows, spec) {
    var table = document.getElementById(id);
    if (!table) { return null; }
    var box = document.querySelector('input[data-filter="' + id + '"]');
    var pick = document.querySelector('select[data-select="' + id + '"]');
    var pager = document.querySelector('[data-pager="' + id + '"]');
    var sizer = pager.querySelector("select");
    var counter = document.getElementById(id + "-count");
    var heads = table.tHead.rows[0].cells;
    var order = rows.map(function (_, i) { return i; });
    var shown = order, page = 0, size = Number(sizer.value), open = {}, hay = null;

    function apply() {
      var terms = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var want = pick.value;
      if (terms.length && !hay) {
        hay = rows.map(function (r) { return spec.text(r).toLowerCase(); });
      }
      shown = order.filter(function (i) {
        return (!want || spec.show(rows[i], want)) &&
          terms.every(function (t) { return hay[i].indexOf(t) !== -1; });
      });
      page = 0;
      draw();
    }
    function draw() {
      var pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.max(0, Math.min(page, pages - 1));
      var frag = document.createDocumentFragment();
      shown.slice(page * size, (page + 1) * size).forEach(function (i) {
        frag.appendChild(line(i));
        if (open[i]) { frag.appendChild(more(i)); }
      });
      table.tBodies[0].replaceChildren(frag);
      counter.textContent = num(shown.length) + " of " + num(rows.length) + " shown";
      pager.hidden = rows.length <= 25;
      pager.querySelector(".where").textContent = shown.length ? "Rows " + num(page * size + 1) +
        "–" + num(Math.min(shown.length, (page + 1) * size)) + " · page " + num(page + 1) +
        " of " + num(pages) : "No rows";
      each(pager.querySelectorAll("button"), function (b) {
        var back = b.getAttribute("data-page") === "first" || b.getAttribute("data-page") === "prev";
        b.disabled = back ? page === 0 : page === pages - 1;
      });
      table.setAttribute("aria-busy", "false");
    }
    function line(i) {
      var tr = el("tr", spec.dim && spec.dim(rows[i]) ? "main excused" : "main");
      spec.cells(rows[i]).forEach(function (cell, n) {
        var td = el("td", "", n === 0 ? [toggle(i, spec.name(rows[i])), cell] : cell);
        tr.appendChild(td);
      });
      return tr;
    }
    function toggle(i, name) {
      var button = el("button", "toggle", "▸");
      button.type = "button";
      button.setAttribute("aria-label", "Details of " + name);
      var mark = function () {
        button.setAttribute("aria-expanded", String(!!open[i]));
        if (open[i]) { button.setAttribute("aria-controls", id + "-d" + i); }
        else { button.removeAttribute("aria-controls"); }
      };
      button.addEventListener("click", function () {
        var tr = button.closest("tr");
        if (open[i]) {
          delete open[i];
          tr.nextSibling.remove();
        } else {
          open[i] = true;
          tr.after(more(i));
        }
        mark();
      });
      mark();
      return button;
    }
    function more(i) {
      var td = el("td", "", spec.detail(rows[i]));
      td.colSpan = heads.length;
      var tr = el("tr", "detail", td);
      tr.id = id + "-d" + i;
      return tr;
    }
    each(heads, function (th, col) {
      th.querySelector("button").addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        each(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        var keys = rows.map(spec.keys[col]);
        var sign = dir === "descending" ? -1 : 1;
        order = rows.map(function (_, i) { return i; }).sort(function (a, b) {
          var x = keys[a], y = keys[b];
          return sign * (x < y ? -1 : x > y ? 1 : 0) || a - b;
        });
        apply();
      });
    });
    box.addEventListener("input", apply);
    pick.addEventListener("change", apply);
    sizer.addEventListener("change", function () { size = Number(sizer.value); page = 0; draw(); });
    each(pager.querySelectorAll("button"), function (b) {
      b.addEventListener("click", function () {
        var to = {first: 0, prev: page - 1, next: page + 1, last: shown.length};
        page = to[b.getAttribute("data-page")];
        draw();
      });
    });
    each(document.querySelectorAll('button[data-expand="' + id + '"]'), function (b) {
      b.addEventListener("click", function () {
        var wide = b.getAttribute("data-open") === "true";
        open = {};
        if (wide) { shown.forEach(function (i) { open[i] = true; }); }
        draw();
      });
    });
    apply();
    return {
      choose: function (value) {
        pick.value = value;
        box.value = "";
        apply();
        pick.focus();
        table.scrollIntoView();
      }
    };
  }
"""

# The data is read (and unpacked when packed) before the tables are drawn; a browser without
# DecompressionStream says so in place of the tables rather than showing them empty.
LOAD = r"""
  function load(node) {
    if (node.getAttribute("data-packed") !== "gzip") {
      return Promise.resolve(JSON.parse(node.textContent));
    }
    var raw = atob(node.textContent.trim());
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  var holder = document.getElementById("report-data");
  if (!holder) { return; }
  load(holder).then(function (data) {
    D = data;
    S = D.s;
"""
FAIL = r"""
  }).catch(function (error) {
    each(document.querySelectorAll("table[aria-busy=true]"), function (table) {
      table.setAttribute("aria-busy", "false");
      table.before(el("p", "banner fail", "This browser could not read the report's data (" +
        error + "); the JSON report holds the same."));
    });
  });
"""

SCRIPT = ENGINE + LOAD + VIEWS + FAIL + "})();\n"
