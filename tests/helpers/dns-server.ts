// An authoritative DNS server on a free loopback UDP port (dns2), for the evidence tests
// (issue 18): the registry is pointed at it with DNS_SERVERS, so no lookup leaves this
// machine. Names are answered from a zone the test changes as it goes; a name the zone
// does not hold is NXDOMAIN; a name marked `silent` gets no answer at all (a timeout).
import DNS from "dns2";

// dns2 3.0's declarations leave out RCODE and type answers narrowly; these are the parts used.
const Packet = DNS.Packet as unknown as {
  TYPE: { A: number; AAAA: number; TXT: number };
  CLASS: { IN: number };
  RCODE: { NXDOMAIN: number };
  createResponseFromRequest(request: DnsMessage): DnsMessage;
};
interface DnsMessage {
  header: { aa: number; rcode: number };
  questions: { name: string; type: number }[];
  answers: Record<string, unknown>[];
}

export interface ZoneEntry {
  /** TXT records, each one or more character-strings. */
  txt?: string[][];
  a?: string[];
  aaaa?: string[];
  /** Never answer (the resolver times out). */
  silent?: boolean;
}

export interface TestDnsServer {
  host: string;
  port: number;
  /** `host:port`, as DNS_SERVERS takes it. */
  address: string;
  zone: Map<string, ZoneEntry>;
  /** Every question asked, lower-cased name and type name. */
  questions: { name: string; type: string }[];
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, string> = { [Packet.TYPE.A]: "A", [Packet.TYPE.AAAA]: "AAAA", [Packet.TYPE.TXT]: "TXT" };

export async function startDnsServer(initial: Record<string, ZoneEntry> = {}): Promise<TestDnsServer> {
  const zone = new Map(Object.entries(initial).map(([name, entry]) => [name.toLowerCase(), entry]));
  const questions: { name: string; type: string }[] = [];
  const server = new DNS.UDPServer(((request: DnsMessage, send: (response: DnsMessage) => void) => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    const name = question.name.toLowerCase();
    questions.push({ name, type: TYPE_NAMES[question.type] ?? String(question.type) });
    const entry = zone.get(name);
    if (entry?.silent) return;
    response.header.aa = 1;
    if (!entry) {
      response.header.rcode = Packet.RCODE.NXDOMAIN;
      send(response);
      return;
    }
    const base = { name: question.name, class: Packet.CLASS.IN, ttl: 1 };
    if (question.type === Packet.TYPE.TXT)
      for (const data of entry.txt ?? []) response.answers.push({ ...base, type: Packet.TYPE.TXT, data });
    if (question.type === Packet.TYPE.A)
      for (const address of entry.a ?? []) response.answers.push({ ...base, type: Packet.TYPE.A, address });
    if (question.type === Packet.TYPE.AAAA)
      for (const address of entry.aaaa ?? []) response.answers.push({ ...base, type: Packet.TYPE.AAAA, address });
    send(response);
  }) as unknown as ConstructorParameters<typeof DNS.UDPServer>[0]);
  await server.listen(0, "127.0.0.1");
  const { port } = server.address();
  return {
    host: "127.0.0.1",
    port,
    address: `127.0.0.1:${port}`,
    zone,
    questions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
