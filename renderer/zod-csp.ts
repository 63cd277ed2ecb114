// Zod probes for `new Function` to speed up parsing; the page's CSP forbids eval, and the probe,
// though caught, is reported as a CSP violation. Imported first so no schema runs before it.
import { z } from 'zod'

z.config({ jitless: true })
