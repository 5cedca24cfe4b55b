// Later joiners for the open-data tests, on top of the seeded founding signatories: names
// that CSV must quote, accents and another script, and every status.
import type { DB } from "~/modules/database/db.server";
import { createSignatory, setSignatoryStatus } from "~/modules/directory/write.server";

const PRINCIPLES = ["stronger-defense", "no-offense", "capacity-building", "collective-action"];
const principles = (on: string) => PRINCIPLES.map((code) => ({ code, endorsed_on: on }));

export const LATER = {
  quoted: 'Acme, "Quoted" & Co',
  accented: "Zürich Données Sàrl",
  withdrawn: "Withdrawn Widgets Ltd",
  suspended: "Suspended Systems Inc",
  japanese: "東京セキュリティ株式会社",
} as const;

export async function addLaterSignatories(db: DB) {
  await db.transaction().execute(async (trx) => {
    const base = { description: "A fictitious later joiner used by the open-data tests.", founding: false };
    await createSignatory(trx, {
      ...base,
      name: LATER.quoted,
      website: "https://acme.example",
      country: "DE",
      sector: "security",
      joined_on: "2019-05-02",
      pledges: [...principles("2019-05-02"), { code: "coordinated-vulnerability-disclosure", endorsed_on: "2019-05-02" }],
    });
    await createSignatory(trx, {
      ...base,
      name: LATER.accented,
      website: "https://donnees.example.ch",
      country: "CH",
      sector: "software",
      joined_on: "2020-02-10",
      pledges: [...principles("2020-02-10"), { code: "paris-call", endorsed_on: "2020-03-01" }],
    });
    const withdrawn = await createSignatory(trx, {
      ...base,
      name: LATER.withdrawn,
      website: "https://widgets.example.co.uk",
      country: "GB",
      sector: "hardware",
      joined_on: "2021-03-01",
      pledges: principles("2021-03-01"),
    });
    await setSignatoryStatus(trx, withdrawn, "withdrawn", { on: "2023-06-30", reason: "Left the market" });
    const suspended = await createSignatory(trx, {
      ...base,
      name: LATER.suspended,
      website: "https://suspended.example.com",
      country: "US",
      sector: "services",
      joined_on: "2022-07-15",
      pledges: principles("2022-07-15"),
    });
    await setSignatoryStatus(trx, suspended, "suspended", { on: "2024-02-01", reason: "Under review" });
    await createSignatory(
      trx,
      {
        ...base,
        name: LATER.japanese,
        website: "https://tokyo-security.example.jp",
        country: "JP",
        sector: "security",
        joined_on: "2024-01-20",
        pledges: principles("2024-01-20"),
      },
      "tokyo-security",
    );
  });
}
