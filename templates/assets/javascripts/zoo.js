/* zoo-cards: the index's facets and text filter, the hardware picker, the copy buttons.
   Without JavaScript the index is a plain table and the hardware page a static list.
   Data comes from models.json and hardware.json, fetched relative to the page. Card values are
   untrusted: they only ever reach the page as textContent or attribute values, never as HTML. */
(function () {
  "use strict";

  var FACETS = [
    { key: "task", label: "Task" },
    { key: "families", label: "Precision family" },
    { key: "scheme", label: "Quantization" },
    { key: "license", label: "License" },
    { key: "modality", label: "Modality" },
    { key: "signed", label: "Signed" }
  ];
  var REDUCED_OFF = { FP32: true, FP64: true };
  var PAGE = 100;  /* rows drawn at a time: a filter's cost stays flat as the zoo grows */

  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (error) { base = "."; }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function getJSON(name) {
    return fetch(new URL(name, siteRoot()).href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(name + ": HTTP " + response.status); }
        return response.json();
      });
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function values(entry, key) {
    if (key === "signed") { return [entry.signed ? "signed" : "unsigned"]; }
    var value = entry[key];
    if (Array.isArray(value)) { return value.map(String); }
    return value === null || value === undefined || value === "" ? ["unknown"] : [String(value)];
  }

  function haystack(entry) {
    return [entry.name, entry.id, entry.task, entry.precision, (entry.families || []).join(" "),
      entry.scheme, entry.license, entry.modality, entry.producer, (entry.datasets || []).join(" "),
      "opset " + entry.opset_default, entry.signed ? "signed " + (entry.signer || "") : "unsigned"]
      .join(" ").toLowerCase();
  }

  /* ---- the index ---- */

  function Index(form, models) {
    this.form = form;
    this.box = document.getElementById("zoo-filter-input");
    this.count = document.getElementById("zoo-filter-count");
    this.empty = document.getElementById("zoo-filter-empty");
    this.more = document.getElementById("zoo-filter-more");
    this.limit = PAGE;
    this.models = models.map(function (entry) {
      return { entry: entry, text: haystack(entry), row: null, shown: true };
    });
    var rows = {};
    document.querySelectorAll("tr[data-zoo-id]").forEach(function (row) {
      rows[row.getAttribute("data-zoo-id")] = row;
    });
    this.models.forEach(function (model) { model.row = rows[model.entry.id] || null; });
    this.checks = {};
    this.buildFacets(document.getElementById("zoo-facets"));
  }

  Index.prototype.buildFacets = function (holder) {
    var self = this;
    FACETS.forEach(function (facet) {
      var counts = {};
      self.models.forEach(function (model) {
        values(model.entry, facet.key).forEach(function (value) { counts[value] = (counts[value] || 0) + 1; });
      });
      var names = Object.keys(counts).sort();
      var set = element("fieldset", { "class": "zoo-facet", "data-facet": facet.key });
      set.appendChild(element("legend", {}, facet.label));
      self.checks[facet.key] = names.map(function (value) {
        var label = element("label", { "class": "zoo-facet-option" });
        var input = element("input", { type: "checkbox", name: facet.key, value: value });
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + value + " "));
        label.appendChild(element("small", {}, "(" + counts[value] + ")"));
        set.appendChild(label);
        return input;
      });
      holder.appendChild(set);
    });
    holder.appendChild(this.opsetFacet());
  };

  Index.prototype.opsetFacet = function () {
    var opsets = this.models.map(function (m) { return m.entry.opset_default; })
      .filter(function (v) { return typeof v === "number"; });
    var low = opsets.length ? Math.min.apply(null, opsets) : 1;
    var high = opsets.length ? Math.max.apply(null, opsets) : 1;
    var set = element("fieldset", { "class": "zoo-facet", "data-facet": "opset" });
    set.appendChild(element("legend", {}, "Opset (ai.onnx)"));
    this.opsetMin = element("input", { type: "number", name: "opset-min", id: "zoo-opset-min",
      min: String(low), max: String(high), placeholder: String(low), inputmode: "numeric" });
    this.opsetMax = element("input", { type: "number", name: "opset-max", id: "zoo-opset-max",
      min: String(low), max: String(high), placeholder: String(high), inputmode: "numeric" });
    [["from", this.opsetMin], ["to", this.opsetMax]].forEach(function (pair) {
      var label = element("label", { "class": "zoo-facet-range" }, pair[0] + " ");
      label.appendChild(pair[1]);
      set.appendChild(label);
    });
    return set;
  };

  Index.prototype.state = function () {
    var state = { q: this.box.value.trim(), facets: {}, min: this.opsetMin.value, max: this.opsetMax.value };
    var checks = this.checks;
    Object.keys(checks).forEach(function (key) {
      var picked = checks[key].filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
      if (picked.length) { state.facets[key] = picked; }
    });
    return state;
  };

  Index.prototype.matches = function (model, words, state) {
    for (var w = 0; w < words.length; w += 1) {
      if (model.text.indexOf(words[w]) === -1) { return false; }
    }
    var keys = Object.keys(state.facets);
    for (var k = 0; k < keys.length; k += 1) {
      var picked = state.facets[keys[k]];
      var own = values(model.entry, keys[k]);
      if (!own.some(function (v) { return picked.indexOf(v) !== -1; })) { return false; }
    }
    var opset = model.entry.opset_default;
    if (state.min !== "" && !(opset >= Number(state.min))) { return false; }
    if (state.max !== "" && !(opset <= Number(state.max))) { return false; }
    return true;
  };

  Index.prototype.apply = function () {
    var state = this.state();
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var found = 0;
    for (var i = 0; i < this.models.length; i += 1) {
      var model = this.models[i];
      var match = this.matches(model, words, state);
      var show = match && found < this.limit;
      if (model.row && show !== model.shown) { model.row.hidden = !show; }
      model.shown = show;
      found += match ? 1 : 0;
    }
    this.found = found;
    var drawn = Math.min(found, this.limit);
    this.count.textContent = found + " of " + this.models.length + " models" +
      (drawn < found ? " (the first " + drawn + " shown)" : "");
    this.more.hidden = drawn >= found;
    this.more.textContent = "Show " + Math.min(PAGE, found - drawn) + " more of " + found;
    this.empty.hidden = found !== 0;
    var self = this;  /* the URL follows after a pause: browsers throttle history updates */
    window.clearTimeout(this.saving);
    this.saving = window.setTimeout(function () { self.save(state); }, 250);
  };

  Index.prototype.save = function (state) {
    var params = new URLSearchParams();
    if (state.q) { params.set("q", state.q); }
    Object.keys(state.facets).forEach(function (key) {
      state.facets[key].forEach(function (value) { params.append(key, value); });
    });
    if (state.min !== "" || state.max !== "") { params.set("opset", state.min + "-" + state.max); }
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  };

  Index.prototype.load = function () {
    var params = new URLSearchParams(window.location.search);
    this.box.value = params.get("q") || "";
    var checks = this.checks;
    Object.keys(checks).forEach(function (key) {
      var picked = params.getAll(key);
      checks[key].forEach(function (c) { c.checked = picked.indexOf(c.value) !== -1; });
    });
    var range = (params.get("opset") || "-").split("-");
    this.opsetMin.value = range[0] || "";
    this.opsetMax.value = range[1] || "";
  };

  Index.prototype.start = function () {
    var self = this;
    this.load();
    var box = document.getElementById("zoo-facets-box");
    box.open = window.matchMedia("(min-width: 45em)").matches || window.location.search.length > 1;
    /* "input" fires for typing, checkboxes and number spinners alike; "change" would repeat it. */
    this.form.addEventListener("input", function () { self.limit = PAGE; self.apply(); });
    this.more.addEventListener("click", function () { self.limit += PAGE; self.apply(); });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.form.addEventListener("reset", function () {
      window.setTimeout(function () { self.limit = PAGE; self.apply(); }, 0);
    });
    this.form.hidden = false;
    this.apply();
    window.zooIndex = this;  /* for the browser tests and bench/bench_filter.py */
  };

  function setUpIndex() {
    var form = document.querySelector("form.zoo-filter");
    if (!form || form.dataset.zooReady) { return; }
    form.dataset.zooReady = "1";
    getJSON("models.json").then(function (models) {
      new Index(form, models).start();
      document.body.setAttribute("data-zoo-index", "ready");
    }).catch(function (error) {
      console.warn("zoo-cards: the index stays a plain list:", error.message);
    });
  }

  /* ---- runs well on my hardware ---- */

  function setUpHardware() {
    var form = document.querySelector("form.zoo-hw-form");
    if (!form || form.dataset.zooReady) { return; }
    form.dataset.zooReady = "1";
    Promise.all([getJSON("models.json"), getJSON("hardware.json")]).then(function (data) {
      var models = data[0];
      var features = {};
      data[1].forEach(function (f) { features[f.id] = f; });
      var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=hw]"));
      var params = new URLSearchParams(window.location.search);
      var picked = params.getAll("hw");
      boxes.forEach(function (box) { box.checked = picked.indexOf(box.value) !== -1; });
      function apply() {
        var chosen = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        var supported = {};
        chosen.forEach(function (id) {
          (features[id] ? features[id].precisions : []).forEach(function (p) { supported[p] = true; });
        });
        var fits = models.filter(function (m) {
          var needed = (m.families || []).filter(function (f) { return !REDUCED_OFF[f]; });
          return needed.length > 0 && needed.every(function (f) { return supported[f]; });
        });
        renderHardware(fits, chosen.length);
        var query = chosen.length ? "?" + chosen.map(function (id) {
          return "hw=" + encodeURIComponent(id);
        }).join("&") : "";
        window.history.replaceState(window.history.state, "", window.location.pathname + query + window.location.hash);
      }
      form.addEventListener("change", apply);
      form.hidden = false;
      apply();
      document.body.setAttribute("data-zoo-hardware", "ready");
    }).catch(function (error) {
      console.warn("zoo-cards: the hardware picker is off:", error.message);
    });
  }

  function renderHardware(fits, chosen) {
    var list = document.getElementById("zoo-hw-results");
    var count = document.getElementById("zoo-hw-count");
    var root = siteRoot();
    list.replaceChildren.apply(list, fits.map(function (m) {
      var item = element("li", { "data-zoo-id": m.id });
      item.appendChild(element("a", { href: new URL(m.url, root).pathname }, m.name));
      item.appendChild(document.createTextNode(" "));
      (m.families || []).forEach(function (f) {
        item.appendChild(element("span", { "class": "zoo-badge zoo-badge--" + f.toLowerCase() }, f));
        item.appendChild(document.createTextNode(" "));
      });
      return item;
    }));
    count.textContent = chosen ? fits.length + " models run natively on the picked features"
      : "Pick a feature to see the models that run natively on it";
  }

  /* ---- copy buttons ---- */

  function setUpCopy() {
    document.querySelectorAll("button[data-zoo-copy]").forEach(function (button) {
      if (button.dataset.zooReady) { return; }
      button.dataset.zooReady = "1";
      var source = document.getElementById(button.getAttribute("data-zoo-copy"));
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(source.textContent).then(function () { button.textContent = "Copied"; },
          function () { button.textContent = "Select and copy"; });
        window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
      });
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      var area = element("textarea", { readonly: "", "class": "zoo-offscreen" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      area.remove();
      if (done) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function setUp() {
    setUpIndex();
    setUpHardware();
    setUpCopy();
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUp);   /* Material's instant navigation */
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
