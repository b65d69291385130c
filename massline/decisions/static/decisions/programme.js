// A programme's categories as an ECharts chart (projects, done, overdue as bars; mean
// progress as a line), above the table that stays the no-script view.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("programme-chart");
  if (!box || typeof echarts === "undefined") return;
  const rows = JSON.parse(document.getElementById(box.dataset.figures).textContent);
  box.hidden = false;
  const chart = echarts.init(box, null, { renderer: "canvas" });
  const bar = (name, key, color) => ({ name, type: "bar", data: rows.map((r) => r[key]), itemStyle: { color } });
  chart.setOption({
    grid: { left: 40, right: 48, top: 36, bottom: 64 },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: rows.map((r) => r.category), axisLabel: { interval: 0, rotate: rows.length > 8 ? 30 : 0 } },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      bar(box.dataset.projects, "projects", "#8c959f"),
      bar(box.dataset.done, "done", "#1a7f37"),
      bar(box.dataset.overdue, "overdue", "#b3261e"),
      { name: box.dataset.progress, type: "line", yAxisIndex: 1, data: rows.map((r) => r.progress), itemStyle: { color: "#d4a72c" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
});
