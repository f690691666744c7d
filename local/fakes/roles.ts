/**
 * Role families: what a searched title implies about a posting — its skills, Active Jobs DB
 * taxonomies (`ai_taxonomies_a`, the product's industries), team names, and the duties its ad lists in English and German.
 *
 * @module
 */
import type { Industry } from "../../shared/vocabulary.ts";

/** What a family of titles has in common. */
export interface RoleFamily {
  id: string;
  /** Matched against the normalised searched title. */
  pattern: RegExp;
  /** Primary first. */
  taxonomies: readonly Industry[];
  skills: readonly string[];
  /** Team or focus names used in titles and ads. */
  teams: readonly string[];
  /** Duties, by the language of the ad. */
  duties: { en: readonly string[]; de: readonly string[] };
}

function family(
  id: string,
  pattern: RegExp,
  taxonomies: Industry[],
  lists: { skills: string[]; teams: string[]; en: string[]; de: string[] },
): RoleFamily {
  const { skills, teams, en, de } = lists;
  return { id, pattern, taxonomies, skills, teams, duties: { en, de } };
}

const TECH: Industry[] = ["Technology", "Software"];

/** Every family, most specific first; the last one matches any title. */
export const ROLE_FAMILIES: readonly RoleFamily[] = [
  family(
    "product",
    /\b(product manager|product owner|produktmanager|product lead|head of product)\b/,
    ["Technology", "Management & Leadership"],
    {
      skills: ["Product discovery", "Roadmapping", "A/B testing", "Jira", "SQL", "User research"],
      teams: ["Checkout", "Onboarding", "Growth"],
      en: ["Own the roadmap of your product area", "Run discovery with customers and engineering"],
      de: [
        "Du verantwortest die Roadmap deines Produktbereichs",
        "Du führst Product Discovery durch",
      ],
    },
  ),
  family(
    "data",
    /\b(data|analytics|analyst|bi|business intelligence|machine learning|ml|ai|scientist)\b/,
    ["Technology", "Data & Analytics"],
    {
      skills: ["Python", "SQL", "Apache Spark", "Airflow", "dbt", "Snowflake", "Kafka", "BigQuery"],
      teams: ["Data Platform", "Analytics", "Machine Learning"],
      en: [
        "Design, build and operate reliable batch and streaming data pipelines",
        "Model data in the warehouse so analysts can trust it",
        "Own data quality checks and monitoring for your domain",
      ],
      de: [
        "Du entwirfst und betreibst zuverlässige Batch- und Streaming-Datenpipelines",
        "Du modellierst Daten im Data Warehouse, damit Analyst:innen ihnen vertrauen können",
        "Du verantwortest Datenqualität und Monitoring in deiner Domäne",
      ],
    },
  ),
  family(
    "platform",
    /\b(devops|sre|site reliability|platform|cloud|infrastructure|systems)\b/,
    TECH,
    {
      skills: ["Kubernetes", "Terraform", "AWS", "Google Cloud", "Linux", "Prometheus", "Go"],
      teams: ["Cloud Platform", "Infrastructure", "Reliability"],
      en: [
        "Build and run the platform our product teams ship on",
        "Automate infrastructure and CI/CD",
      ],
      de: ["Du baust und betreibst die Plattform unserer Produktteams", "Du automatisierst CI/CD"],
    },
  ),
  family("frontend", /\b(frontend|front-end|front end|react|web developer|angular|vue)\b/, TECH, {
    skills: ["TypeScript", "React", "Next.js", "CSS", "GraphQL", "Jest", "Playwright"],
    teams: ["Checkout", "Web Platform", "Design System"],
    en: ["Build fast, accessible web interfaces", "Work closely with design and product"],
    de: ["Du entwickelst schnelle, barrierefreie Web-Oberflächen", "Du arbeitest eng mit Design"],
  }),
  family("design", /\b(designer|design|ux|ui|researcher)\b/, ["Creative & Media", "Art & Design"], {
    skills: ["Figma", "User research", "Prototyping", "Design systems", "Usability testing"],
    teams: ["Design System", "Mobile App", "Onboarding"],
    en: ["Shape user journeys from research to interface", "Prototype and test ideas with users"],
    de: ["Du gestaltest Nutzerreisen von der Recherche bis zum Interface", "Du testest Prototypen"],
  }),
  family(
    "software",
    /\b(engineer|engineering|developer|entwickler|programmer|architect|backend|fullstack|full stack|software|mobile|ios|android)\b/,
    TECH,
    {
      skills: [
        "Java",
        "Kotlin",
        "Go",
        "TypeScript",
        "Node.js",
        "PostgreSQL",
        "Docker",
        "Kubernetes",
      ],
      teams: ["Payments", "Search", "Logistics", "Identity"],
      en: [
        "Design, build and run services in production with your team",
        "Own features end to end, from technical design to monitoring",
        "Improve code quality, testing and engineering practices",
      ],
      de: [
        "Du entwickelst und betreibst Services gemeinsam mit deinem Team",
        "Du verantwortest Features von der technischen Konzeption bis zum Monitoring",
        "Du verbesserst Codequalität, Tests und Engineering-Praktiken",
      ],
    },
  ),
  family("marketing", /\b(marketing|seo|content|growth|brand|social media|communications)\b/, [
    "Marketing",
  ], {
    skills: ["SEO", "Google Analytics", "Performance marketing", "HubSpot", "Google Ads"],
    teams: ["Performance Marketing", "Brand", "Content"],
    en: ["Plan and run campaigns across channels", "Analyse performance and optimise budgets"],
    de: ["Du planst und steuerst Kampagnen", "Du analysierst die Performance"],
  }),
  family("general", /./, ["Administrative"], {
    skills: ["Project management", "Stakeholder management", "Microsoft Excel", "Communication"],
    teams: ["Operations", "Business"],
    en: ["Own projects from planning to delivery", "Coordinate with teams across the company"],
    de: ["Du verantwortest Projekte von der Planung bis zur Umsetzung", "Du koordinierst Teams"],
  }),
];

/** The family of a normalised title (`"senior data engineer"` → data). */
export function roleFamilyOf(title: string): RoleFamily {
  return ROLE_FAMILIES.find((f) => f.pattern.test(title)) ??
    ROLE_FAMILIES[ROLE_FAMILIES.length - 1];
}
