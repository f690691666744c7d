/**
 * Job ad text: realistic multi-paragraph descriptions in English or German, assembled from
 * templates, the posting's title, company, skills, duties and benefits. Sections are separated by
 * blank lines and list items start with `• `, the way JSearch's plain-text descriptions look.
 *
 * @module
 */
import { type Company, INDUSTRIES } from "./companies.ts";
import type { Random } from "./random.ts";
import { groupThousands } from "./text.ts";

/** Inputs of {@link buildDescription}. */
export interface DescriptionOptions {
  language: "de" | "en";
  company: Company;
  title: string;
  team: string;
  /** Where the job is, e.g. `Berlin` or `remote (Germany)`. */
  where: string;
  workArrangement: string;
  responsibilities: readonly string[];
  qualifications: readonly string[];
  benefits: readonly string[];
  /** A sentence about pay, or null. */
  salaryLine: string | null;
  random: Random;
}

/** The shortest and longest description the fake produces. */
export const DESCRIPTION_LENGTH = { min: 800, max: 2500 } as const;

function bullets(items: readonly string[]): string {
  return items.map((item) => `• ${item}`).join("\n");
}

function english(options: DescriptionOptions): string[] {
  const { company, title, team, where, random } = options;
  const { brand, founded, headquarters } = company;
  const industry = INDUSTRIES[company.industry]?.en ?? "technology";
  const people = groupThousands(company.employees);
  const arrangement: Record<string, string> = {
    "On-site": `This role is based in our ${where} office.`,
    "Hybrid": `We work hybrid: two to three days a week together in our ${where} office.`,
    "Remote OK": `You can work from our ${where} office or remotely within the country.`,
    "Remote Solely": `This is a fully remote role; you can work from anywhere in ${where}.`,
  };
  const intro = random.pick([
    [
      `${brand} is one of Europe's leading companies in ${industry}.`,
      `Founded in ${founded} and headquartered in ${headquarters}, we are around ${people}`,
      "people building products our customers rely on every day.",
    ],
    [
      `At ${brand}, around ${people} colleagues are changing ${industry} for millions of`,
      `customers. Since ${founded} we have grown from a small team in ${headquarters} into a`,
      "company with offices across Europe.",
    ],
  ]).join(" ");
  const role = `We are looking for a ${title} to join our ${team} team.`;
  return [
    `About ${brand}`,
    intro,
    `${role} ${arrangement[options.workArrangement] ?? ""}`.trim(),
    "What you will do",
    bullets(options.responsibilities),
    "What you bring",
    bullets(options.qualifications),
    "What we offer",
    bullets(options.benefits),
    ...(options.salaryLine ? [options.salaryLine] : []),
    random.pick([
      [
        "Ready to join us? Apply with your CV in English; a cover letter is optional. We welcome",
        "applications from people of every background, and we are happy to make adjustments to",
        "our interview process.",
      ],
      [
        "Sounds like you? Send us your CV and we will get back to you within two weeks. We value",
        "diversity and do not discriminate on the basis of gender, origin, religion, disability,",
        "age or sexual orientation.",
      ],
    ]).join(" "),
  ];
}

function german(options: DescriptionOptions): string[] {
  const { company, title, team, where, random } = options;
  const { brand, founded, headquarters } = company;
  const industry = INDUSTRIES[company.industry]?.de ?? "Technologie";
  const people = groupThousands(company.employees).replace(/,/g, ".");
  const arrangement: Record<string, string> = {
    "On-site": `Die Stelle ist an unserem Standort ${where} angesiedelt.`,
    "Hybrid": `Wir arbeiten hybrid: zwei bis drei Tage pro Woche gemeinsam im Büro in ${where}.`,
    "Remote OK": `Du kannst in unserem Büro in ${where} oder mobil arbeiten.`,
    "Remote Solely": `Die Stelle ist vollständig remote, innerhalb von ${where}.`,
  };
  const intro = random.pick([
    [
      `${brand} gehört zu den führenden Unternehmen im Bereich ${industry}. Seit ${founded}`,
      `gestalten heute rund ${people} Mitarbeitende mit Sitz in ${headquarters} Produkte, auf`,
      "die sich unsere Kund:innen jeden Tag verlassen.",
    ],
    [
      `Bei ${brand} arbeiten rund ${people} Menschen daran, ${industry} einfacher zu machen.`,
      `Gegründet ${founded} in ${headquarters}, sind wir heute an vielen Standorten in Europa`,
      "vertreten.",
    ],
  ]).join(" ");
  const role = `Für unser Team ${team} suchen wir ab sofort eine:n ${title}.`;
  return [
    `Über ${brand}`,
    intro,
    `${role} ${arrangement[options.workArrangement] ?? ""}`.trim(),
    "Deine Aufgaben",
    bullets(options.responsibilities),
    "Dein Profil",
    bullets(options.qualifications),
    "Was wir bieten",
    bullets(options.benefits),
    ...(options.salaryLine ? [options.salaryLine] : []),
    random.pick([
      [
        "Klingt gut? Dann bewirb dich mit deinem Lebenslauf – ein Anschreiben ist nicht nötig.",
        "Wir freuen uns über Bewerbungen unabhängig von Geschlecht, Herkunft, Religion,",
        "Behinderung, Alter oder sexueller Identität.",
      ],
      [
        "Wir freuen uns auf deine Bewerbung über unser Karriereportal. Bei Fragen zum Prozess",
        "hilft dir unser Recruiting-Team gern weiter. Vielfalt ist uns wichtig, und wir begrüßen",
        "alle Bewerbungen.",
      ],
    ]).join(" "),
  ];
}

const FILLER = {
  en: [
    "How we work: small, autonomous teams own their products end to end. We plan in quarters,",
    "ship every day, write things down and give each other honest feedback. New colleagues get a",
    "buddy and a structured onboarding plan for their first three months.",
  ].join(" "),
  de: [
    "So arbeiten wir: Kleine, autonome Teams verantworten ihre Produkte von Anfang bis Ende. Wir",
    "planen quartalsweise, liefern täglich aus, dokumentieren sorgfältig und geben einander",
    "ehrliches Feedback. Neue Kolleg:innen bekommen eine:n Buddy und einen strukturierten",
    "Einarbeitungsplan.",
  ].join(" "),
} as const;

/**
 * A description of {@link DESCRIPTION_LENGTH} characters: paragraphs and bullet lists separated by
 * blank lines, in the posting's language.
 */
export function buildDescription(options: DescriptionOptions): string {
  const blocks = options.language === "de" ? german(options) : english(options);
  let text = blocks.join("\n\n");
  if (text.length < DESCRIPTION_LENGTH.min) {
    blocks.splice(3, 0, FILLER[options.language]);
    text = blocks.join("\n\n");
  }
  while (text.length > DESCRIPTION_LENGTH.max) {
    const longest = blocks.reduce(
      (best, block, i) =>
        block.startsWith("• ") && block.includes("\n") && block.length > blocks[best].length
          ? i
          : best,
      0,
    );
    if (!blocks[longest].includes("\n")) {
      text = text.slice(0, DESCRIPTION_LENGTH.max - 1).replace(/\s+\S*$/, "") + "…";
      break;
    }
    blocks[longest] = blocks[longest].slice(0, blocks[longest].lastIndexOf("\n"));
    text = blocks.join("\n\n");
  }
  return text;
}
