import { createWireProtocolDatabase } from '../helpers/database';
import { describeTenantIsolation } from './isolation-suite';

describeTenantIsolation('postgres.js over the PostgreSQL wire protocol', createWireProtocolDatabase);
