// The dashboard's trend as an ECharts line chart (a rate per figure, the cases as bars),
// above the table of the same numbers, which stays for reading, links and no-script use.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("trend-chart");
  if (!box || typeof echarts === "undefined") return;
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  box.hidden = false;
  const chart = echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    grid: { left: 48, right: 48, top: 48, bottom: 32 },
    legend: { type: "scroll", top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.labels },
    yAxis: [
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
      { type: "value", minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { name: data.casesLabel, type: "bar", yAxisIndex: 1, data: data.cases, itemStyle: { color: "#d0d7de" } },
      ...data.series.map((s) => ({ name: s.name, type: "line", data: s.data, connectNulls: false })),
    ],
  });
  window.addEventListener("resize", () => chart.resize());
});
