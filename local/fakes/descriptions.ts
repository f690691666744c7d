/**
 * Job ad text in English or German: who the employer is, the role, duties, requirements that name
 * the posting's skills, benefits and pay. Sections are separated by blank lines and list items
 * start with `• `, the way JSearch's plain-text descriptions look.
 *
 * @module
 */
import type { Seniority, WorkArrangement } from "../../shared/vocabulary.ts";
import type { Company } from "./companies.ts";

/** Inputs of {@link buildDescription}. */
export interface DescriptionOptions {
  language: "de" | "en";
  company: Company;
  title: string;
  team: string;
  /** Where the job is, e.g. `Berlin` or `Germany`. */
  where: string;
  workArrangement: WorkArrangement;
  seniority: Seniority;
  duties: readonly string[];
  /** Four or five, named in the requirements. */
  skills: readonly string[];
  benefits: readonly string[];
  /** A sentence about pay, or null. */
  salaryLine: string | null;
}

const TEXT = {
  en: {
    about: "About",
    intro: (o: DescriptionOptions) =>
      `${o.company.brand} builds products in ${o.company.sector.en} for customers across Europe.`,
    role: (o: DescriptionOptions) => `We are looking for a ${o.title} to join our ${o.team} team.`,
    arrangement: {
      "On-site": "This role is based in our office in {where}.",
      "Hybrid": "We work hybrid: two to three days a week in our office in {where}.",
      "Remote OK": "You can work from our office in {where} or remotely.",
      "Remote Solely": "This is a fully remote role within {where}.",
    },
    experience: (years: number) =>
      years > 0 ? `${years}+ years of professional experience` : "First professional experience",
    skills: (s: readonly string[]) => [
      `Hands-on experience with ${s[0]} and ${s[1]}`,
      `Good knowledge of ${s.slice(2, -1).join(", ")} and ${s.at(-1)}`,
    ],
    team: "How we work: small teams own their products end to end. We plan in quarters, ship " +
      "every day, write things down and give each other honest feedback. New colleagues get a " +
      "buddy and a structured onboarding plan for their first three months.",
    headings: ["What you will do", "What you bring", "What we offer"],
    closing: "Apply with your CV in English; a cover letter is optional.",
  },
  de: {
    about: "Über",
    intro: (o: DescriptionOptions) =>
      `${o.company.brand} entwickelt Produkte für ${o.company.sector.de} in ganz Europa.`,
    role: (o: DescriptionOptions) => `Für unser Team ${o.team} suchen wir eine:n ${o.title}.`,
    arrangement: {
      "On-site": "Die Stelle ist an unserem Standort {where} angesiedelt.",
      "Hybrid": "Wir arbeiten hybrid: zwei bis drei Tage pro Woche im Büro in {where}.",
      "Remote OK": "Du kannst in unserem Büro in {where} oder mobil arbeiten.",
      "Remote Solely": "Die Stelle ist vollständig remote, innerhalb von {where}.",
    },
    experience: (years: number) =>
      years > 0 ? `Mindestens ${years} Jahre Berufserfahrung` : "Erste Berufserfahrung",
    skills: (s: readonly string[]) => [
      `Praktische Erfahrung mit ${s[0]} und ${s[1]}`,
      `Gute Kenntnisse in ${s.slice(2, -1).join(", ")} und ${s.at(-1)}`,
    ],
    team: "So arbeiten wir: Kleine Teams verantworten ihre Produkte von Anfang bis Ende. Wir " +
      "planen quartalsweise, liefern täglich aus, dokumentieren sorgfältig und geben einander " +
      "ehrliches Feedback. Neue Kolleg:innen bekommen eine:n Buddy und einen Einarbeitungsplan.",
    headings: ["Deine Aufgaben", "Dein Profil", "Was wir bieten"],
    closing: "Bewirb dich mit deinem Lebenslauf – ein Anschreiben ist nicht nötig.",
  },
} as const;

const YEARS: Readonly<Record<Seniority, number>> = { "0-2": 0, "2-5": 2, "5-10": 5, "10+": 10 };

function bullets(items: readonly string[]): string {
  return items.map((item) => `• ${item}`).join("\n");
}

/** The ad's plain text, in `options.language`. */
export function buildDescription(options: DescriptionOptions): string {
  const text = TEXT[options.language];
  const arrangement = text.arrangement[options.workArrangement].replace("{where}", options.where);
  const [doing, bringing, offering] = text.headings;
  return [
    `${text.about} ${options.company.brand}`,
    text.intro(options),
    `${text.role(options)} ${arrangement}`,
    text.team,
    doing,
    bullets(options.duties),
    bringing,
    bullets([text.experience(YEARS[options.seniority]), ...text.skills(options.skills)]),
    offering,
    bullets(options.benefits),
    ...(options.salaryLine ? [options.salaryLine] : []),
    text.closing,
  ].join("\n\n");
}
