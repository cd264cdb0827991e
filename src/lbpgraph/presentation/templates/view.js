(function () {
  "use strict";
  // Strings from articles are data: labels are drawn on the canvas, the panel is built with
  // textContent and createElement, a link's address is set with setAttribute after a check.
  var raw = {{ nodes }};
  var focusId = {{ focus }};
  var info = {}, order = [], findable = [];
  raw.forEach(function (n) {  // vis-network draws shapes only; this page draws the labels
    info[n.id] = {caption: n.label, kind: n.kind, size: n.size, rank: n.rank, find: n.find || []};
    order.push(n.id);
    if (n.find) { findable.push(n.id); }
    n.caption = n.label;
    delete n.label;
  });
  order.sort(function (a, b) { return info[a].rank - info[b].rank; });
  var nodes = new vis.DataSet(raw);
  var edges = new vis.DataSet({{ edges }});
  var outgoing = {}, incoming = {};
  edges.forEach(function (e) {
    (outgoing[e.from] = outgoing[e.from] || []).push(e);
    (incoming[e.to] = incoming[e.to] || []).push(e);
  });
  var container = document.getElementById("graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {{ options }});
  var details = document.getElementById("details");
  var actions = document.getElementById("actions");
  var results = document.getElementById("results");
  var highlighted = [], keep = null, focused = null, filtered = {}, drawnLabels = [];

  // --- labels: placed by importance, never over each other, never cut off by the canvas edge ---
  var FONT = 12, PAD = 2, CELL = 64, MAX_LABELS = 600;
  var widths = {};
  function textWidth(ctx, text, font) {
    var key = font + "\u0000" + text;
    if (!(key in widths)) { ctx.font = font; widths[key] = ctx.measureText(text).width; }
    return widths[key];
  }
  function Grid() { this.cells = {}; }
  Grid.prototype.each = function (b, visit) {
    for (var i = Math.floor(b.left / CELL); i <= Math.floor(b.right / CELL); i++) {
      for (var j = Math.floor(b.top / CELL); j <= Math.floor(b.bottom / CELL); j++) {
        if (visit(i + "," + j) === false) { return false; }
      }
    }
    return true;
  };
  Grid.prototype.free = function (b) {
    var cells = this.cells;
    return this.each(b, function (k) {
      return !(cells[k] || []).some(function (o) {
        return b.left < o.right && o.left < b.right && b.top < o.bottom && o.top < b.bottom;
      });
    });
  };
  Grid.prototype.add = function (b) {
    var cells = this.cells;
    this.each(b, function (k) { (cells[k] = cells[k] || []).push(b); });
  };
  function half(id, scale) {  // half the width and height of a node's shape, on screen
    var n = info[id];
    return n.kind === "article" ? [18 * scale, 11 * scale] : [n.size * scale, n.size * scale];
  }
  function candidates(x, y, r, w, h) {  // below, right, left, above the node; below and above slide along
    return [{left: x - w / 2, top: y + r[1] + 1, x: x}, {left: x + r[0] + 3, top: y - h / 2},
            {left: x - r[0] - 3 - w, top: y - h / 2}, {left: x - w / 2, top: y - r[1] - 1 - h, x: x}];
  }
  function within(spot, w, width) {  // a label under or over its node moves in from the canvas edge
    if (spot.x === undefined) { return spot.left; }
    var left = Math.min(Math.max(spot.left, 1), width - 1 - w);
    return left <= spot.x && spot.x <= left + w ? left : spot.left;
  }
  function place(grid, spots, w, h, width, height) {
    for (var i = 0; i < spots.length; i++) {
      var left = within(spots[i], w, width);
      var b = {left: left, top: spots[i].top, right: left + w, bottom: spots[i].top + h};
      if (b.left >= 1 && b.top >= 1 && b.right <= width - 1 && b.bottom <= height - 1 && grid.free(b)) { return b; }
    }
    return null;
  }
  function shown(id) { return !filtered[id] && (!focused || focused[id]) && (!keep || keep[id]); }
  function labelOrder() {
    if (!highlighted.length) { return order; }
    var first = highlighted.slice().sort(function (a, b) { return info[a].rank - info[b].rank; });
    return first.concat(order.filter(function (id) { return !keep[id]; }));
  }
  function drawLabel(ctx, text, b, font, colour) {
    ctx.font = font;
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    ctx.strokeText(text, b.left + PAD, (b.top + b.bottom) / 2);
    ctx.fillStyle = colour;
    ctx.fillText(text, b.left + PAD, (b.top + b.bottom) / 2);
  }
  function drawNodeLabels(ctx, grid, at, width, height, shapes) {
    // the articles' titles first, over other nodes if need be; then labels that cover no node
    var scale = network.getScale(), placed = [], clear = false;
    labelOrder().forEach(function (id) {
      if (!clear && info[id].kind !== "article") { shapes.forEach(function (b) { grid.add(b); }); clear = true; }
      var p = at[id], n = info[id];
      if (!p || placed.length >= MAX_LABELS || !shown(id)) { return; }
      if (p.x < -200 || p.y < -50 || p.x > width + 200 || p.y > height + 50) { return; }
      var font = (n.kind === "article" ? "bold " : "") + FONT + "px system-ui, sans-serif";
      var w = textWidth(ctx, n.caption, font) + 2 * PAD, h = FONT + 2 * PAD;
      var b = place(grid, candidates(p.x, p.y, half(id, scale), w, h), w, h, width, height);
      if (!b) { return; }
      grid.add(b);
      drawLabel(ctx, n.caption, b, font, "#1f2328");
      placed.push({id: id, text: n.caption, left: b.left, top: b.top, right: b.right, bottom: b.bottom});
    });
    return placed;
  }
  function drawEdgeLabels(ctx, grid, at, width, height) {  // on a claim's page, or along a selected chain
    var placed = [], font = "11px system-ui, sans-serif";
    if (!focusId && !keep && !focused) { return placed; }
    edges.forEach(function (e) {
      if (!e.label || !shown(e.from) || !shown(e.to) || !at[e.from] || !at[e.to]) { return; }
      var x = (at[e.from].x + at[e.to].x) / 2, y = (at[e.from].y + at[e.to].y) / 2;
      var w = textWidth(ctx, e.label, font) + 2 * PAD, h = 11 + 2 * PAD;
      var b = place(grid, [{left: x - w / 2, top: y - h / 2}, {left: x - w / 2, top: y + 2},
                           {left: x - w / 2, top: y - h - 2}], w, h, width, height);
      if (!b) { return; }
      grid.add(b);
      drawLabel(ctx, e.label, b, font, "#57606a");
      placed.push({id: e.id, text: e.label, left: b.left, top: b.top, right: b.right, bottom: b.bottom});
    });
    return placed;
  }
  network.on("afterDrawing", function (ctx) {
    var canvas = ctx.canvas, width = canvas.clientWidth, height = canvas.clientHeight;
    var ratio = canvas.width / (width || 1), scale = network.getScale(), origin = network.canvasToDOM({x: 0, y: 0});
    var positions = network.getPositions(), at = {}, grid = new Grid();
    Object.keys(positions).forEach(function (id) {
      at[id] = {x: origin.x + positions[id].x * scale, y: origin.y + positions[id].y * scale};
    });
    var boxes = [];
    order.forEach(function (id) {  // the articles' boxes, then every other shape in sight, kept clear
      var p = at[id];
      if (!p || !shown(id) || p.x < -50 || p.y < -50 || p.x > width + 50 || p.y > height + 50) { return; }
      var r = half(id, scale), box = {left: p.x - r[0], top: p.y - r[1], right: p.x + r[0], bottom: p.y + r[1]};
      if (info[id].kind === "article") { grid.add(box); } else { boxes.push(box); }
    });
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    drawnLabels = drawNodeLabels(ctx, grid, at, width, height, boxes).concat(drawEdgeLabels(ctx, grid, at, width, height));
    ctx.restore();
  });

  // --- what a selection shows, and where it leads ---------------------------------------------
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function link(url, text, pattern) {  // an address from the data: checked, then set as an attribute
    if (!url || !pattern.test(url)) { return null; }
    var a = document.createElement("a");
    a.setAttribute("href", url);
    a.setAttribute("rel", "noopener noreferrer");
    a.setAttribute("target", "_blank");  // a new tab: never inside a frame that shows this page
    a.textContent = text;
    return a;
  }
  var WEB = /^https?:\/\//i, SCHOLARLY = /^https:\/\/(doi\.org|pubmed\.ncbi\.nlm\.nih\.gov)\//;
  function add(parent, tag, text, className) {
    var element = document.createElement(tag);
    if (text) { element.textContent = text; }
    if (className) { element.className = className; }
    parent.appendChild(element);
    return element;
  }
  function button(text, action) {
    var b = add(actions, "button", text);
    b.type = "button";
    b.addEventListener("click", action);
    return b;
  }
  function showQuotes(node) {
    add(details, "h3", node.quotes.length === 1 ? "Where it is said" : "Where it is said (" + node.quotes.length + " times)");
    node.quotes.forEach(function (q) {
      add(details, "blockquote", "\u201c" + q.quote + "\u201d");
      var where = add(details, "div", "in " + q.article + " ", "where");
      var a = link(q.url, q.title, WEB);
      where.appendChild(a || document.createTextNode(q.title));
    });
  }
  function show(id) {
    var node = nodes.get(id);
    details.textContent = node ? node.title : "";
    actions.textContent = "";
    if (!node) { return; }
    if (node.kind === "article") {  // an article's address: a link, never markup
      var a = link(node.url, "open the article", WEB);
      if (a) { details.appendChild(document.createElement("br")); details.appendChild(a); }
    }
    (node.links || []).forEach(function (l) {
      var a = link(l.url, l.text, SCHOLARLY);
      if (a) { add(details, "div", "", "where").appendChild(a); }
    });
    if (node.quotes) { showQuotes(node); }
    if (node.kind === "claim" && !(focused && focused[id] && focusedOn === id)) {
      button("Focus on this claim", function () { focusOn(id); });
    }
    if (focused) { button("Show the whole graph", unfocus); }
  }

  function claimChain(id) {  // the claim, the articles that make it, every source down its citation chains
    var seen = {}; seen[id] = true;
    var queue = [id];
    while (queue.length) {
      (outgoing[queue.shift()] || []).forEach(function (e) {
        if ((e.kind === "cites" || e.kind === "chain" || e.kind === "evidence") && !seen[e.to]) { seen[e.to] = true; queue.push(e.to); }
      });
    }
    (incoming[id] || []).forEach(function (e) { if (e.kind === "makes") { seen[e.from] = true; } });
    return seen;
  }
  function reliedOnBy(id) {  // a source, and every source, claim and article that leans on it
    var seen = {}; seen[id] = true;
    var queue = [id];
    while (queue.length) {
      (incoming[queue.shift()] || []).forEach(function (e) {
        if ((e.kind === "cites" || e.kind === "chain" || e.kind === "evidence" || e.kind === "makes") && !seen[e.from]) {
          seen[e.from] = true; queue.push(e.from);
        }
      });
    }
    return seen;
  }
  function neighbourhood(id) {  // the chain, and the concepts the claim is about or invokes
    var seen = claimChain(id);
    (outgoing[id] || []).forEach(function (e) {
      if (e.kind === "about" || e.kind === "invokes") {
        seen[e.to] = true;
        (outgoing[e.to] || []).forEach(function (m) { if (m.kind === "acts-on") { seen[m.to] = true; } });
      }
    });
    return seen;
  }
  function highlight(id) {
    var node = id && nodes.get(id);
    keep = null;
    if (node) { keep = node.kind === "claim" ? claimChain(id) : (node.kind === "source" ? reliedOnBy(id) : {}); keep[id] = true; }
    highlighted = keep ? Object.keys(keep) : [];
    nodes.update(nodes.getIds().map(function (n) { return {id: n, opacity: (!keep || keep[n]) ? 1 : 0.15}; }));
    edges.update(edges.get().map(function (e) {
      var on = !keep || (keep[e.from] && keep[e.to]);
      return {id: e.id, color: {color: on ? "#57606a" : "#eaeef2"}};
    }));
  }
  function select(id, quiet) {
    network.selectNodes([id]);
    show(id);
    if (!quiet) {
      network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: false});
      highlight(id);
    }
  }

  // --- focus on one claim: everything else hidden ---------------------------------------------
  var focusedOn = null;
  function applyVisibility() {
    nodes.update(nodes.getIds().map(function (n) { return {id: n, hidden: Boolean(filtered[n] || (focused && !focused[n]))}; }));
  }
  function focusOn(id) {
    focused = neighbourhood(id);
    focusedOn = id;
    applyVisibility();
    highlight(null);
    network.fit({nodes: Object.keys(focused).filter(function (n) { return !filtered[n]; }), animation: false});
    network.moveTo({scale: network.getScale() * 0.9, animation: false});
    select(id, true);
  }
  function unfocus() {
    focused = null;
    focusedOn = null;
    applyVisibility();
    network.fit({animation: false});
    network.moveTo({scale: network.getScale() * 0.92, animation: false});
    var selected = network.getSelectedNodes();
    if (selected.length) { show(selected[0]); } else { actions.textContent = ""; }
  }

  // --- search: claims, quotes, sources, authors, articles, concepts ---------------------------
  var WEIGHT = {claim: 6, id: 6, label: 6, quote: 5, author: 5, title: 4, venue: 3, about: 2, cites: 1};
  var WHY = {claim: "claim", id: "id", label: "name", quote: "in a quote", author: "author", title: "title",
             venue: "venue", about: "about a matching concept", cites: "cites a matching source"};
  var KIND = {claim: 0, source: 1, article: 2};
  function matches(text) {
    var q = fold(text || "");
    if (!q) { return []; }
    var words = q.split(" "), hits = [];
    findable.forEach(function (id) {
      var best = 0, why = null;
      info[id].find.forEach(function (f) {
        if (words.every(function (w) { return f[1].indexOf(w) !== -1; })) {
          var at = f[1].indexOf(q), score = WEIGHT[f[0]] * (at !== -1 ? 2 : 1) + (at === 0 ? 1 : 0);  // phrase; at the start
          if (score > best) { best = score; why = f[0]; }
        }
      });
      if (best) { hits.push({id: id, score: best, why: WHY[why], kind: info[id].kind}); }
    });
    return hits.sort(function (a, b) {
      return b.score - a.score || (KIND[a.kind] === undefined ? 3 : KIND[a.kind]) - (KIND[b.kind] === undefined ? 3 : KIND[b.kind])
        || info[a.id].rank - info[b.id].rank;
    });
  }
  function search(text) { return matches(text).map(function (h) { return h.id; }); }
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var found = matches(document.getElementById("search").value);
    results.textContent = "";
    if (found.length && (found.length === 1 || found[0].score > found[1].score)) { select(found[0].id); }
    if (found.length === 1) { return; }
    add(results, "p", found.length ? found.length + " match" + (found.length === 1 ? "" : "es") + ", best first:" : "nothing matches");
    found.slice(0, 30).forEach(function (h) {
      var b = add(results, "button", "");
      b.type = "button";
      add(b, "span", info[h.id].caption);
      add(b, "small", h.kind + " \u00b7 " + h.why);
      b.addEventListener("click", function () { select(h.id); });
    });
  });

  function applyFilters() {
    var bases = {}, certainties = {}, kinds = {};
    document.querySelectorAll("#basis-filter input").forEach(function (box) { bases[box.dataset.basis] = box.checked; });
    document.querySelectorAll("#certainty-filter input").forEach(function (box) { certainties[box.dataset.certainty] = box.checked; });
    document.querySelectorAll("#kind-filter input").forEach(function (box) { kinds[box.dataset.kind] = box.checked; });
    filtered = {};
    nodes.forEach(function (n) {
      if (!(kinds[n.kind] && (n.kind !== "claim" || (bases[n.basis] && certainties[n.certainty])))) { filtered[n.id] = true; }
    });
    applyVisibility();
  }
  document.querySelectorAll("input[type=checkbox][data-kind], input[type=checkbox][data-basis], input[type=checkbox][data-certainty]")
    .forEach(function (box) { box.addEventListener("change", applyFilters); });

  network.on("selectNode", function (params) { show(params.nodes[0]); highlight(params.nodes[0]); });
  network.on("deselectNode", function () { details.textContent = ""; actions.textContent = ""; highlight(null);
    if (focused) { button("Show the whole graph", unfocus); } });

  window.lbpgraphView = {
    nodeCount: function () { return nodes.length; },
    edgeCount: function () { return edges.length; },
    visibleCount: function () { return nodes.get({filter: function (n) { return !n.hidden; }}).length; },
    search: search,
    matches: matches,
    select: select,
    focus: focusOn,
    unfocus: unfocus,
    focused: function () { return focused ? Object.keys(focused).sort() : null; },
    selected: function () { return network.getSelectedNodes(); },
    highlighted: function () { return highlighted.slice().sort(); },
    node: function (id) {  // as the page was given it: its label too
      var n = nodes.get(id);
      if (n) { n.label = n.caption; delete n.caption; }
      return n;
    },
    labels: function () { return drawnLabels.slice(); },
    scale: function () { return network.getScale(); },
    redraw: function () { network.redraw(); },
    position: function (id) { return network.canvasToDOM(network.getPositions([id])[id]); },
    physics: function () { return {{ physics }}; },
    ready: false
  };
  network.fit({animation: false});
  network.moveTo({scale: network.getScale() * 0.92, animation: false});  // room for the outermost labels
  if (focusId) { select(focusId, true); }
  network.once("afterDrawing", function () { window.lbpgraphView.ready = true; });
})();
