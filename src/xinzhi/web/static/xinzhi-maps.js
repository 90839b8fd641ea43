// xinzhi: register the county boundaries (served by this server, never from another host)
// with the ECharts instance that NiceGUI bundles, so that map series can use them offline.
import { echarts } from "nicegui-echart";

const pending = {};

/** Fetch the GeoJSON at `url` once and register it as map `name`; resolves to the feature count. */
export function ensureMap(name, url) {
  if (!pending[name]) {
    pending[name] = fetch(url, { credentials: "same-origin" })
      .then((r) => {
        if (!r.ok) throw new Error(`边界文件加载失败：${r.status}`);
        return r.json();
      })
      .then((geo) => {
        echarts.registerMap(name, geo);
        return geo.features.length;
      })
      .catch((err) => {
        delete pending[name];
        throw err;
      });
  }
  return pending[name];
}

/** The ECharts instance drawn in DOM element `el` (for tests and the benchmark). */
export function instanceOf(el) {
  return echarts.getInstanceByDom(el);
}

window.xinzhiMaps = { ensureMap, instanceOf, echarts };
export { echarts };
