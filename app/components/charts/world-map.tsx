import type { WorldMapGeometry } from "./types";

/** Countries shaded by count (paths from the server, d3-geo), and an HTML legend that
 * stays readable however small the map is drawn. */
export function WorldMap({ map, id, title }: { map: WorldMapGeometry; id: string; title: string }) {
  return (
    <>
      <svg className="chart world-map" viewBox={`0 0 ${map.width} ${map.height}`} role="img" aria-labelledby={id} focusable="false">
        <title id={id}>{title}</title>
        {map.countries.map((c) => (
          <path key={c.code} className={`map-level-${c.level}`} d={c.d}>
            {c.count > 0 ? <title>{`${c.name}: ${c.count}`}</title> : null}
          </path>
        ))}
      </svg>
      <div className="map-legend">
        <span>Signatories per country:</span>
        <ul>
          {map.legend.map((item) => (
            <li key={item.level}>
              <span className={`swatch swatch-${item.level}`} aria-hidden="true" /> {item.label}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
