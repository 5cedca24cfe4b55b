// A signatory's logo where the registry shows one (its page, the directory's cards): the
// approved image (WebP where the browser takes it, else PNG), or, without one, a monogram
// drawn here: its initials on one of six colours (white on each meets AA). Decorative: the
// name is always beside it, so the image says nothing more (alt="").
import { initialsOf, logoPath, monogramTone } from "~/modules/logos/paths";

interface Props {
  slug: string;
  name: string;
  /** The logo's hash, or null when the signatory has none. */
  logo: string | null;
  size?: "small" | "large";
}

export function SignatoryLogo({ slug, name, logo, size = "small" }: Props) {
  const px = size === "large" ? 80 : 48;
  const className = `logo${size === "large" ? " logo-large" : ""}`;
  if (logo) {
    return (
      <picture>
        <source type="image/webp" srcSet={logoPath(slug, logo, "webp")} />
        <img
          className={`${className} logo-frame`}
          src={logoPath(slug, logo)}
          alt=""
          width={px}
          height={px}
          loading="lazy"
          decoding="async"
        />
      </picture>
    );
  }
  const initials = initialsOf(name);
  return (
    <svg
      className={`${className} monogram monogram-${monogramTone(name)}`}
      viewBox="0 0 48 48"
      width={px}
      height={px}
      aria-hidden="true"
      focusable="false"
    >
      <rect width="48" height="48" rx="6" />
      <text x="24" y="25" textAnchor="middle" dominantBaseline="middle" className={initials.length > 1 ? "monogram-two" : undefined}>
        {initials}
      </text>
    </svg>
  );
}
