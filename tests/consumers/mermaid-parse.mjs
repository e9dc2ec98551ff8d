// Mermaid's own parser on each diagram given on standard input (a JSON list of strings):
// prints a JSON list of {ok, error}. jsdom stands in for the browser DOM that mermaid expects.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ["Element", "HTMLElement", "SVGElement", "DOMParser", "Node"]) {
  if (!(name in globalThis)) globalThis[name] = dom.window[name];
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    let shape = null;
    if (parsed && parsed.diagramType && parsed.diagramType.startsWith("flowchart")) {
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
      const db = diagram.db;
      shape = {
        vertices: Object.fromEntries([...db.getVertices()].map(([id, v]) => [id, v.text])),
        edges: db.getEdges().map((e) => [e.start, e.end, e.stroke]),
        subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, nodes: s.nodes })),
        direction: db.getDirection ? db.getDirection() : null,
      };
    }
    out.push({ ok: true, type: parsed ? parsed.diagramType : null, shape });
  } catch (error) {
    out.push({ ok: false, error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify(out));
