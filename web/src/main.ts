import '@uswds/uswds/css/uswds.min.css';
import './style.css';
import { addRoutes, installLinkHandler, render } from './app';
import { t } from './i18n';
import { authRoutes } from './pages/auth';
import { campaignRoutes } from './pages/campaigns';
import { citizenRoutes } from './pages/citizen';
import { correctionRoutes } from './pages/corrections';
import { dashboardRoutes } from './pages/dashboard';
import { ledgerRoutes } from './pages/ledger';
import { officeRoutes } from './pages/office';

document.documentElement.lang = t.lang;
addRoutes([...authRoutes, ...citizenRoutes, ...correctionRoutes, ...officeRoutes, ...campaignRoutes, ...dashboardRoutes,
  ...ledgerRoutes]);
installLinkHandler();
void render();
