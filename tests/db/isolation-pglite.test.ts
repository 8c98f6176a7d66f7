import { createTestDatabase } from '../helpers/database';
import { describeTenantIsolation } from './isolation-suite';

describeTenantIsolation('PGlite (embedded driver)', createTestDatabase);
