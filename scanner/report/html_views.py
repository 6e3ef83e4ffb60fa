"""The HTML report's script, part two: how a group of findings and a component read, row and details."""

from __future__ import annotations

# Runs inside the closure opened by html_script.ENGINE (its helpers: s, el, badge, para, link,
# places, lines, grid, capped, Table). Component rows are flat arrays; the positions are those
# of html_data.COMPONENT.
VIEWS = r"""
  var F = D.findings, G = D.groups, C = D.components;
  var failRank = RANK[s(D.failOn)];
  var REL = {"1": "direct", "0": "transitive", "-1": "—"};
  var byPurl = null, groupsOf = null;

  function label(purl) {
    // name@version from the inventory (already cleaned), the purl where there is none
    if (!byPurl) { byPurl = {}; C.forEach(function (r, i) { byPurl[s(r[0])] = i; }); }
    var r = C[byPurl[purl]];
    return r ? (s(r[2]) ? s(r[1]) + "@" + s(r[2]) : s(r[1])) : purl;
  }
  function purls(f) { return f.cs ? f.cs.map(s) : [s(f.p)]; }
  function active(f) { return !f.w && !f.a; }
  function sev(i) { var v = s(i); return badge(v, "sev-" + v); }

  function evidence(flat) {
    if (!flat) { return el("p", "muted", "No evidence records: see the reason."); }
    return grid(["Kind", "Field", "Value", "Source", "Document", "Strength", "Retrieved", "Note"],
      flat, 9, function (e, i) {
        return [s(e[i]), el("span", "mono", s(e[i + 1])), el("span", "mono", s(e[i + 2])),
          s(e[i + 3]), link(s(e[i + 4]), e[i + 5]), s(e[i + 6]), s(e[i + 7]) || "—", s(e[i + 8])];
      });
  }
  function member(f) {
    var names = purls(f);
    var box = el("div", "member", [
      f.cs ? el("p", "", el("b", "", "Components (" + names.length + ")"))
        : para("Component", [sev(f.v), " ", el("span", "mono", names[0])]),
      f.cs ? capped(names, 200, function (p) { return el("li", "mono", p); }, el("ul", "purls"))
        : null,
      para("Found at", lines(places(f.l || []), "mono nowrap")),
      para("Outcome", s(f.o) + " · evidence tier " + s(f.t) + " · confidence " + s(f.cf) +
        (f.b ? " · severity row " + s(f.b) : "")),
      para("Entity chain", (f.ch || []).map(s).join(" → ")),
      para("Reason", s(f.r))
    ]);
    (f.no || []).forEach(function (n) { add(box, para("Note", s(n))); });
    if (f.pa) {
      add(box, el("p", "", el("b", "", "Dependency paths")));
      add(box, el("ol", "paths", f.pa.map(function (p) {
        return el("li", "", p.map(function (x, n) {
          return [n ? " › " : "", el("code", "", label(s(x)))];
        }));
      })));
    }
    if (f.w || f.a) {
      var see = el("a", "", "see Waivers and accepted risks");
      see.href = "#waivers-section";
      add(box, para(f.w ? "Waived by" : "Accepted risk", [s(f.w || f.a), " (", see, ")"]));
    }
    add(box, el("p", "muted", ["Fingerprint ", el("span", "mono", s(f.id)), " (" + s(f.ik) + ")"]));
    add(box, evidence(f.ev));
    return box;
  }
  function unique(lists) {
    var seen = {}, out = [];
    lists.forEach(function (l) { (l || []).forEach(function (x) {
      if (!seen[x]) { seen[x] = true; out.push(s(x)); }
    }); });
    return out;
  }

  Table("groups", G, {
    name: function (g) { return s(g.ti); },
    cells: function (g) {
      var check = el("span", "", s(g.c));
      check.title = s(D.checks[s(g.c)]);
      var state = s(g.st);
      return [[sev(g.v), state === "active" ? null : el("span", "tag", state)], check, s(g.ti),
        g.en || g.e ? [s(g.en) || s(g.e), " ", el("span", "muted mono", s(g.e))] : "—",
        s(g.j) || "—", String(g.n), state];
    },
    keys: [
      function (g) { return 4 - RANK[s(g.v)]; },
      function (g) { return s(g.c); },
      function (g) { return s(g.ti).toLowerCase(); },
      function (g) { return (s(g.en) || "~").toLowerCase(); },
      function (g) { return s(g.j); },
      function (g) { return g.n; },
      function (g) { return s(g.st); }
    ],
    text: function (g) {
      var parts = [s(g.ti), s(g.c), s(g.e), s(g.en), s(g.j), s(g.v), s(g.st)];
      g.f.forEach(function (i) { parts.push(s(F[i].r)); parts = parts.concat(purls(F[i])); });
      return parts.join(" ");
    },
    show: function (g, want) {
      var state = s(g.st);
      if (want === "active") { return state === "active"; }
      if (want === "excused") { return state !== "active"; }
      return g.f.some(function (i) { return active(F[i]) && RANK[s(F[i].v)] >= failRank; });
    },
    dim: function (g) { return s(g.st) === "waived" || s(g.st) === "accepted risk"; },
    detail: function (g) {
      var members = g.f.map(function (i) { return F[i]; });
      var first = members[0];
      var head = el("div", "detail-grid", [
        el("div", "", [para("Reason", s(first.r)),
          unique(members.map(function (f) { return f.no; })).map(function (n) {
            return para("Note", n);
          }),
          para("Listings", unique(members.map(function (f) { return f.li; })).join("; "))]),
        el("div", "", [para("Check", s(first.c) + " — " + s(D.checks[s(first.c)])),
          para("Provision", s(first.pr)), para("Remediation", s(first.rm))])
      ]);
      var list = capped(members, 50, member, el("div"));
      return [head, el("h3", "", "Findings (" + members.length + ")"), list];
    }
  });

  function provenance(r) {
    if (r[7] === 1) { return badge("known", "st-ok"); }
    if (r[7] === 2) { return badge("first-party", "st-unknown"); }
    return [badge("unknown", "st-unknown"), " ", el("span", "muted", s(r[8]))];
  }
  function findingsOf(purl) {
    if (!groupsOf) {
      groupsOf = {};
      G.forEach(function (g) { g.f.forEach(function (i) { purls(F[i]).forEach(function (p) {
        var l = groupsOf[p] = groupsOf[p] || [];
        if (l[l.length - 1] !== g) { l.push(g); }
      }); }); });
    }
    return groupsOf[purl] || [];
  }
  var components = Table("components", C, {
    name: function (r) { return s(r[0]); },
    cells: function (r) {
      var where = places(r[6]);
      return [[el("b", "", s(r[1])), el("br"), el("span", "mono muted", s(r[0]))],
        s(r[2]) || "—", s(r[3]), s(r[4]) || "—", REL[r[5]],
        [lines(where.slice(0, 3), "mono nowrap"), where.length > 3 ? " … " + (where.length - 3) + " more"
          : null], provenance(r), String(r[10])];
    },
    keys: [
      function (r) { return s(r[1]).toLowerCase(); },
      function (r) { return s(r[2]); },
      function (r) { return s(r[3]); },
      function (r) { return s(r[4]); },
      function (r) { return r[5]; },
      function (r) { return places(r[6])[0] || "~"; },
      function (r) { return r[7] + ":" + s(r[8]); },
      function (r) { return r[10]; }
    ],
    text: function (r) {
      var parts = [s(r[0]), s(r[1]), s(r[2]), s(r[3]), s(r[4]), s(r[8])].concat(places(r[6]));
      for (var i = 1; i < r[12].length; i += 8) { parts.push(s(r[12][i])); }
      return parts.join(" ");
    },
    show: function (r, want) {
      if (want === "findings") { return r[10] > 0; }
      if (want === "known") { return r[7] === 1; }
      if (want === "first-party") { return r[7] === 2; }
      if (want === "unknown") { return r[7] === 0; }
      return r[7] === 0 && "unknown:" + s(r[8]) === want;
    },
    detail: function (r) {
      var st = [];
      for (var i = 0; i < r[11].length; i += 3) {
        st.push(s(r[11][i]) + ": " + s(r[11][i + 1]) + (r[11][i + 2] ? " — " + s(r[11][i + 2]) : ""));
      }
      var found = findingsOf(s(r[0])).map(function (g) {
        return el("li", "", [sev(g.v), " ", s(g.ti)]);
      });
      var facts = r[12].length ? grid(["Kind", "Value", "Field", "Source", "Document", "Strength",
        "Retrieved"], r[12], 8, function (x, i) {
          return [s(x[i]), el("span", "mono", s(x[i + 1])), el("span", "mono", s(x[i + 2])),
            s(x[i + 3]), link(s(x[i + 4]), x[i + 5]), s(x[i + 6]), s(x[i + 7]) || "—"];
        }) : el("p", "muted", "No provenance facts.");
      return [el("div", "detail-grid", [
        el("div", "", [para("Component", el("span", "mono", s(r[0]))),
          para("Found at", lines(places(r[6]), "mono nowrap")),
          para("Sources", lines(st, "")),
          r[7] === 0 ? para("Unknown because", s(r[8]) + (r[9] ? ": " + s(r[9]) : "")) : null]),
        el("div", "", [el("p", "", el("b", "", "Findings")),
          found.length ? el("ul", "", found) : el("p", "muted", "None.")])
      ]), el("h3", "", "Provenance facts"), facts];
    }
  });

  each(document.querySelectorAll("button[data-show]"), function (b) {
    b.addEventListener("click", function () {
      if (components) { components.choose(b.getAttribute("data-show")); }
    });
  });
"""
