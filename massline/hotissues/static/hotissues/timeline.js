// The hot issue's voices per day as an ECharts bar chart (zoomable, with tooltips), in
// place of the plain SVG chart the page already shows when scripts or ECharts are missing.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("trend-chart");
  if (!box || typeof echarts === "undefined") return;
  const trend = JSON.parse(document.getElementById(box.dataset.trend).textContent);
  box.hidden = false;
  box.nextElementSibling.style.display = "none"; // the SVG fallback
  const chart = echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    grid: { left: 40, right: 16, top: 16, bottom: trend.length > 30 ? 56 : 32 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: trend.map((d) => d[0]) },
    yAxis: { type: "value", minInterval: 1 },
    dataZoom: trend.length > 30 ? [{ type: "slider" }, { type: "inside" }] : [],
    series: [{ name: box.dataset.label, type: "bar", data: trend.map((d) => d[1]), itemStyle: { color: "#b3261e" } }],
  });
  window.addEventListener("resize", () => chart.resize());
});
