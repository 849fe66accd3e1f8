// The script of graph.html (inlined into the page by kg.view.page, allowed by its hash).
// Data text is only assigned to textContent / vis labels.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pk-data").textContent);
  var opts = JSON.parse(document.getElementById("pk-options").textContent);
  function safeUrl(u) {
    if (typeof u !== "string" || !/^https?:\/\//i.test(u)) return null;
    try {
      var parsed = new URL(u);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (e) { return null; }
  }
  function card(text) {
    var el = document.createElement("div");
    el.className = "pk-card";
    el.textContent = text;
    return el;
  }
  var kinds = data.kinds, rows = data.nodes;
  var nodeItems = new Array(rows.length), lower = new Array(rows.length);
  for (var i = 0; i < rows.length; i++) {
    var r = rows[i], k = kinds[r[1]];
    nodeItems[i] = {id: i, label: r[0], x: r[2], y: r[3], size: r[4], shape: k.shape,
      color: {background: k.color, border: k.border,
              highlight: {background: k.color, border: "#000"},
              hover: {background: k.color, border: "#000"}},
      title: card(r[5]), kind: r[1], hidden: false};
    lower[i] = (r.length > 7 ? r[7] : r[0]).toLowerCase();
  }
  var showEdgeLabels = data.edges.length <= 300;
  var edgeItems = data.edges.map(function (e, j) {
    var lab = data.edgeLabels[e[2]];
    var item = {id: j, from: e[0], to: e[1], title: lab};
    if (showEdgeLabels) item.label = lab;
    return item;
  });
  // An overview's aggregate nodes hold hidden children, shown in place on click.
  (data.hubs || []).forEach(function (i) { nodeItems[i].font = {size: 64}; });
  var children = {};
  (data.parents || []).forEach(function (pair) {
    (children[pair[1]] = children[pair[1]] || []).push(pair[0]);
    nodeItems[pair[0]].hidden = true;
  });
  var nodes = new vis.DataSet(nodeItems), edges = new vis.DataSet(edgeItems);
  var container = document.getElementById("pk-graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, opts);
  var api = window.paperkg = {network: network, nodes: nodes, edges: edges, ready: false,
    safeUrl: safeUrl};

  // fit() uses node bounding boxes, which vis updates only while drawing, and
  // the first frame after stabilisation still has stale ones: fit after each of
  // two frames, then flag the page ready (tests and the benchmark wait for it).
  function markReady() {
    var frames = 0;
    function step() {
      network.fit({animation: false});
      if (++frames < 2) { network.once("afterDrawing", step); network.redraw(); return; }
      network.once("afterDrawing", function () {
        api.ready = true;
        document.body.setAttribute("data-ready", "true");
      });
      network.redraw();
    }
    network.once("afterDrawing", step);
    network.redraw();
  }
  if (opts.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      markReady();
    });
  } else {
    markReady();
  }

  // --- info panel and click-to-open
  var info = document.getElementById("pk-info");
  function showInfo(id) {
    info.textContent = "";
    if (id === undefined || id === null) return;
    var r = rows[id];
    info.appendChild(card(r[5]));
    var url = safeUrl(r[6]);
    if (url) {
      var a = document.createElement("a");
      a.href = url; a.rel = "noreferrer";
      a.textContent = "Open page";
      info.appendChild(a);
    }
  }
  // A click shows the node's card (with its counts) in the panel; a double
  // click, or the card's link, opens the node's page in this same tab.
  function openUrl(id) {
    var url = safeUrl(rows[id][6]);
    if (!url) return false;
    window.location.assign(url);
    return true;
  }
  api.openUrl = openUrl;
  function toggleChildren(id) {
    var kids = children[id];
    if (!kids) return false;
    var show = nodeItems[kids[0]].hidden;
    nodes.update(kids.map(function (k) {
      nodeItems[k].hidden = !show;
      return {id: k, hidden: !show};
    }));
    last.q = null;
    return show;
  }
  api.toggleChildren = toggleChildren;
  network.on("click", function (p) {
    showInfo(p.nodes.length === 1 ? p.nodes[0] : null);
    if (p.nodes.length === 1) toggleChildren(p.nodes[0]);
  });
  network.on("doubleClick", function (p) {
    if (p.nodes.length === 1) openUrl(p.nodes[0]);
  });

  // --- search
  var status = document.getElementById("pk-status");
  var last = {q: null, hits: [], at: -1};
  function search(q) {
    q = String(q || "").trim().toLowerCase();
    if (!q) { status.textContent = ""; last = {q: null, hits: [], at: -1}; return null; }
    if (q !== last.q) {
      // exact label matches first, then labels starting with the text, then the rest
      var exact = [], starts = [], inside = [];
      for (var i = 0; i < lower.length; i++) {
        if (nodeItems[i].hidden) continue;
        var at = lower[i].indexOf(q);
        if (at === -1) continue;
        (lower[i] === q ? exact : at === 0 ? starts : inside).push(i);
      }
      last = {q: q, hits: exact.concat(starts, inside), at: -1};
    }
    if (!last.hits.length) { status.textContent = "No match."; return null; }
    last.at = (last.at + 1) % last.hits.length;
    var id = last.hits[last.at];
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.2), animation: {duration: 300}});
    showInfo(id);
    var shown = rows[id].length > 7 ? rows[id][7] : rows[id][0];
    status.textContent = (last.at + 1) + " of " + last.hits.length + ": " + shown;
    return id;
  }
  api.search = search;
  document.getElementById("pk-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("pk-q").value);
  });

  // --- show / hide kinds
  function setKindVisible(kindIdx, visible) {
    var changes = [];
    for (var i = 0; i < nodeItems.length; i++) {
      if (nodeItems[i].kind === kindIdx && nodeItems[i].hidden === visible) {
        nodeItems[i].hidden = !visible;
        changes.push({id: i, hidden: !visible});
      }
    }
    if (changes.length) nodes.update(changes);
    last.q = null;
  }
  api.setKindVisible = setKindVisible;
  var boxes = document.querySelectorAll("#pk-legend input[type=checkbox]");
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () {
      setKindVisible(Number(box.getAttribute("data-kind")), box.checked);
    });
  });
})();
