// The cycle pages' charts with ECharts (vendored, offline), in place of the plain SVG or
// table the page shows when scripts or ECharts are missing.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof echarts === "undefined") return;
  const data = (box) => JSON.parse(document.getElementById(box.dataset.source).textContent);
  const show = (box, option) => {
    box.hidden = false;
    const fallback = document.getElementById(box.dataset.fallback || "");
    if (fallback) fallback.style.display = "none";
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", () => chart.resize());
  };

  // A verification: the issue's voices per day (before grey, after red), the similar
  // issues' mean per issue, each period's mean rate, and the decision's date.
  const effect = document.getElementById("effect-chart");
  if (effect) {
    const c = data(effect);
    const labels = JSON.parse(document.getElementById(effect.dataset.labels).textContent);
    const mean = (value, inPeriod) => c.days.map((_, i) => (inPeriod(i) ? value : null));
    const series = [
      { name: labels.issue, type: "bar", itemStyle: { color: "#b3261e" }, data: c.issue.map((n, i) => ({
          value: n, itemStyle: { color: i < c.split ? "#8a8a8a" : "#b3261e" } })),
        markLine: { symbol: "none", label: { formatter: labels.measure },
          data: [{ xAxis: c.measure }], lineStyle: { color: "#1f2328", type: "dashed" } } },
      { name: labels.before, type: "line", symbol: "none", data: mean(c.before, (i) => i < c.split),
        color: "#1f2328", lineStyle: { width: 2 } },
      { name: labels.after, type: "line", symbol: "none", data: mean(c.after, (i) => i >= c.split),
        color: "#e36209", lineStyle: { width: 2 } },
    ];
    if (c.similar) {
      series.push({ name: labels.controls, type: "line", symbol: "none", smooth: true,
        data: c.controls.map((n) => +(n / c.similar).toFixed(2)), color: "#0b57d0", lineStyle: { width: 1 } });
    }
    show(effect, {
      grid: { left: 40, right: 16, top: 40, bottom: 56 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: c.days },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: [{ type: "slider" }, { type: "inside" }],
      series,
    });
  }

  // A cycle: new voices per day of the month beside the previous month's.
  const voices = document.getElementById("voices-chart");
  if (voices) {
    const c = data(voices);
    const days = Array.from({ length: 31 }, (_, i) => i + 1);
    show(voices, {
      grid: { left: 40, right: 16, top: 32, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: c.before, type: "line", data: c.voices_before, lineStyle: { color: "#8a8a8a" }, itemStyle: { color: "#8a8a8a" } },
        { name: c.now, type: "line", data: c.voices_now, lineStyle: { color: "#b3261e", width: 2 }, itemStyle: { color: "#b3261e" } },
      ],
    });
  }

  // A cycle: its counts beside the previous cycle's.
  const figures = document.getElementById("figures-chart");
  if (figures) {
    const c = data(figures);
    show(figures, {
      grid: { left: 40, right: 16, top: 32, bottom: 80 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: c.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: c.before, type: "bar", data: c.figures_before, itemStyle: { color: "#8a8a8a" } },
        { name: c.now, type: "bar", data: c.figures_now, itemStyle: { color: "#b3261e" } },
      ],
    });
  }
});
