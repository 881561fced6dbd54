// Interactive flame graphs. Sets up every <figure class="pb-flame"> of the page that is not set
// up yet: draws its frames as SVG from the JSON in its <script class="pb-flame-data">, and wires
// click to zoom, the reset button, the search box and the tooltip. Each graph finds its parts
// by class inside its own figure, so a page can hold several graphs.
//
// A frame in the JSON is [name, depth, start, width, color, samples], with indexes into `names`
// and `colors`. A diff frame adds the base profile's samples. Frames come in pre-order, so the
// callees of frame i are the frames i+1 .. end[i]-1. Every name reaches the page through
// textContent only, never as markup.
//
// Mustache embeds this file as a partial, so it must never contain two opening braces in a row.
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  // SVG user units, the same as the static SVG that flamegraph.cc draws.
  var FRAME_HEIGHT = 16;
  var FRAME_GAP = 1;
  var TEXT_BASELINE = 12;
  var CHAR_WIDTH = 7.2; // 0.6 em of the 12px monospace font
  var LABEL_PADDING = 3;
  var MIN_LABEL_CHARS = 3;
  var TOOLTIP_OFFSET = 14;

  function formatCount(count) {
    return count.toLocaleString("en-US");
  }

  // `unit` is the data's [singular, plural] name of a count, such as ["sample", "samples"].
  function formatSamples(count, unit) {
    return formatCount(count) + " " + (count === 1 ? unit[0] : unit[1]);
  }

  function formatShare(share) {
    return (share * 100).toFixed(2) + "%";
  }

  function formatChange(change) {
    var points = change * 100;
    return (points >= 0 ? "+" : "") + points.toFixed(2);
  }

  function shareOf(samples, total) {
    return total > 0 ? samples / total : 0;
  }

  // Returns the name cut to fit `widthPx`, ending in "..", or "" when not even
  // MIN_LABEL_CHARS characters fit.
  function fitLabel(name, widthPx) {
    var maxChars = Math.floor((widthPx - 2 * LABEL_PADDING) / CHAR_WIDTH);
    if (maxChars < MIN_LABEL_CHARS) {
      return "";
    }
    var characters = Array.from(name);
    if (characters.length <= maxChars) {
      return name;
    }
    return characters.slice(0, maxChars - 2).join("") + "..";
  }

  function FlameGraph(figure, data) {
    this.figure = figure;
    this.data = data;
    this.isDiff = data.kind === "diff";
    this.frames = data.frames;
    this.widthPx = data.widthPx;
    this.zoomed = 0;
    this.matched = null;

    this.indexSubtrees();
    this.createElements();
    this.draw();
    this.listen();
  }

  // Computes end[i], one past the last callee of frame i, from the depths of the pre-order.
  FlameGraph.prototype.indexSubtrees = function () {
    var count = this.frames.length;
    var end = new Array(count);
    var open = [];
    for (var i = 0; i < count; i++) {
      var depth = this.frames[i][1];
      while (open.length > 0 && this.frames[open[open.length - 1]][1] >= depth) {
        end[open.pop()] = i;
      }
      open.push(i);
    }
    while (open.length > 0) {
      end[open.pop()] = count;
    }
    this.end = end;
  };

  FlameGraph.prototype.isInSubtree = function (root, i) {
    return i >= root && i < this.end[root];
  };

  FlameGraph.prototype.createElements = function () {
    var height = (this.data.maxDepth + 1) * FRAME_HEIGHT;
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "pb-flame-svg");
    svg.setAttribute("viewBox", "0 0 " + this.widthPx + " " + height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Flame graph");

    this.groups = [];
    this.rects = [];
    this.labels = [];
    for (var i = 0; i < this.frames.length; i++) {
      var frame = this.frames[i];
      var group = document.createElementNS(SVG_NS, "g");
      group.setAttribute("data-frame", String(i));
      var rect = document.createElementNS(SVG_NS, "rect");
      var top = (this.data.maxDepth - frame[1]) * FRAME_HEIGHT;
      rect.setAttribute("y", String(top));
      rect.setAttribute("height", String(FRAME_HEIGHT - FRAME_GAP));
      rect.setAttribute("rx", "2");
      rect.setAttribute("fill", this.data.colors[frame[4]]);
      var label = document.createElementNS(SVG_NS, "text");
      label.setAttribute("y", String(top + TEXT_BASELINE));
      group.appendChild(rect);
      group.appendChild(label);
      svg.appendChild(group);
      this.groups.push(group);
      this.rects.push(rect);
      this.labels.push(label);
    }

    this.chart = this.figure.querySelector(".pb-flame-chart");
    this.tooltip = this.figure.querySelector(".pb-flame-tooltip");
    this.resetButton = this.figure.querySelector(".pb-flame-reset");
    this.searchBox = this.figure.querySelector(".pb-flame-search");
    this.matchedText = this.figure.querySelector(".pb-flame-matched");
    this.chart.insertBefore(svg, this.tooltip);
    this.svg = svg;
  };

  // Lays out the frames for the zoomed frame: it and its callers span the full width, its
  // callees scale with it, and every other frame is hidden.
  FlameGraph.prototype.draw = function () {
    var zoomed = this.frames[this.zoomed];
    var zoomStart = zoomed[2];
    var scale = zoomed[3] > 0 ? this.widthPx / zoomed[3] : 0;
    for (var i = 0; i < this.frames.length; i++) {
      var frame = this.frames[i];
      var isCaller = this.isInSubtree(i, this.zoomed);
      var isShown = isCaller || this.isInSubtree(this.zoomed, i);
      var group = this.groups[i];
      if (!isShown) {
        group.setAttribute("display", "none");
        continue;
      }
      group.removeAttribute("display");
      group.setAttribute("class", isCaller && i !== this.zoomed ? "pb-flame-ancestor" : "");
      if (this.matched !== null && this.matched[i]) {
        group.classList.add("pb-flame-matched-frame");
      }

      var x = isCaller ? 0 : (frame[2] - zoomStart) * scale;
      var width = isCaller ? this.widthPx : frame[3] * scale;
      this.rects[i].setAttribute("x", x.toFixed(2));
      this.rects[i].setAttribute("width", Math.max(width, 0).toFixed(2));
      this.labels[i].setAttribute("x", (x + LABEL_PADDING).toFixed(2));
      this.labels[i].textContent = fitLabel(this.data.names[frame[0]], width);
    }
    this.resetButton.disabled = this.zoomed === 0;
  };

  FlameGraph.prototype.frameIndexAt = function (target) {
    var group = target.closest ? target.closest("g[data-frame]") : null;
    return group === null ? -1 : Number(group.getAttribute("data-frame"));
  };

  FlameGraph.prototype.describe = function (i) {
    var frame = this.frames[i];
    var name = this.data.names[frame[0]];
    if (!this.isDiff) {
      return name + "\n" + formatSamples(frame[5], this.data.unit) + ", " +
          formatShare(shareOf(frame[5], this.data.totalSamples)) + " of all";
    }
    var baseShare = shareOf(frame[6], this.data.baseTotalSamples);
    var otherShare = shareOf(frame[5], this.data.totalSamples);
    return name +
        "\nbase:   " + formatSamples(frame[6], this.data.unit) + ", " + formatShare(baseShare) +
        "\nother:  " + formatSamples(frame[5], this.data.unit) + ", " + formatShare(otherShare) +
        "\nchange: " + formatChange(otherShare - baseShare) + " percentage points";
  };

  FlameGraph.prototype.showTooltip = function (event, i) {
    this.tooltip.textContent = this.describe(i);
    this.tooltip.hidden = false;

    // Keep the tooltip inside the chart: right of the pointer, or left of it near the edge.
    var box = this.chart.getBoundingClientRect();
    var left = event.clientX - box.left + TOOLTIP_OFFSET;
    var top = event.clientY - box.top + TOOLTIP_OFFSET;
    if (left + this.tooltip.offsetWidth > box.width) {
      left = Math.max(0, event.clientX - box.left - TOOLTIP_OFFSET - this.tooltip.offsetWidth);
    }
    this.tooltip.style.left = left + "px";
    this.tooltip.style.top = top + "px";
  };

  // Highlights the frames whose name contains `term` (case-sensitive) and shows their share of
  // all samples. The root "all" never matches, and a match inside another match is not counted
  // twice.
  FlameGraph.prototype.search = function (term) {
    if (term === "") {
      this.matched = null;
      this.matchedText.textContent = "";
      this.draw();
      return;
    }

    var matched = new Array(this.frames.length);
    var samples = 0;
    var baseSamples = 0;
    var countedUntil = 0;
    for (var i = 0; i < this.frames.length; i++) {
      var frame = this.frames[i];
      matched[i] = i > 0 && this.data.names[frame[0]].indexOf(term) !== -1;
      if (matched[i] && i >= countedUntil) {
        samples += frame[5];
        baseSamples += this.isDiff ? frame[6] : 0;
        countedUntil = this.end[i];
      }
    }
    this.matched = matched;

    if (this.isDiff) {
      this.matchedText.textContent = "Matched: base " +
          formatShare(shareOf(baseSamples, this.data.baseTotalSamples)) + ", other " +
          formatShare(shareOf(samples, this.data.totalSamples));
    } else {
      this.matchedText.textContent = "Matched: " +
          formatShare(shareOf(samples, this.data.totalSamples)) + " (" + formatCount(samples) +
          " of " + formatSamples(this.data.totalSamples, this.data.unit) + ")";
    }
    this.draw();
  };

  FlameGraph.prototype.listen = function () {
    var graph = this;
    this.svg.addEventListener("click", function (event) {
      var i = graph.frameIndexAt(event.target);
      if (i >= 0) {
        graph.zoomed = i;
        graph.draw();
      }
    });
    this.svg.addEventListener("mousemove", function (event) {
      var i = graph.frameIndexAt(event.target);
      if (i >= 0) {
        graph.showTooltip(event, i);
      } else {
        graph.tooltip.hidden = true;
      }
    });
    this.svg.addEventListener("mouseleave", function () {
      graph.tooltip.hidden = true;
    });
    this.resetButton.addEventListener("click", function () {
      graph.zoomed = 0;
      graph.draw();
    });
    this.searchBox.addEventListener("input", function () {
      graph.search(graph.searchBox.value);
    });
    this.searchBox.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        graph.searchBox.value = "";
        graph.search("");
      }
    });
  };

  function setUpAll() {
    var figures = document.querySelectorAll("figure.pb-flame");
    for (var i = 0; i < figures.length; i++) {
      var figure = figures[i];
      if (figure.hasAttribute("data-flame-ready") || figure.hasAttribute("data-flame-error")) {
        continue;
      }
      try {
        var data = JSON.parse(figure.querySelector("script.pb-flame-data").textContent);
        new FlameGraph(figure, data);
        figure.setAttribute("data-flame-ready", "true");
      } catch (error) {
        figure.setAttribute("data-flame-error", String(error));
        if (window.console) {
          window.console.error("flame graph failed:", error);
        }
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
