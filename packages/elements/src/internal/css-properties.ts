import { noChange, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';

/**
 * Sets CSS custom properties on an element through CSSOM (`style.setProperty`), on the first render too. Lit's
 * styleMap writes its first values as a `style` attribute, which a host page's Content-Security-Policy without
 * `'unsafe-inline'` for styles refuses; CSSOM changes are not subject to it.
 *
 * @example html`<article ${cssProperties({ '--x': '2', '--w': '6' })}>`
 */
class CssPropertiesDirective extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssProperties() belongs on an element: <div ${cssProperties({...})}>.');
  }

  render(_properties: Readonly<Record<`--${string}`, string>>): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [properties]: [Readonly<Record<`--${string}`, string>>]): typeof noChange {
    const { style } = part.element as HTMLElement;
    for (const [name, value] of Object.entries(properties)) {
      if (style.getPropertyValue(name) !== value) style.setProperty(name, value);
    }
    return noChange;
  }
}

export const cssProperties = directive(CssPropertiesDirective);
