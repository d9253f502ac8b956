import '@uswds/uswds/css/uswds.min.css';
import './style.css';
import { addRoutes, installLinkHandler, render } from './app';
import { t } from './i18n';
import { authRoutes } from './pages/auth';
import { campaignRoutes } from './pages/campaigns';
import { citizenRoutes } from './pages/citizen';
import { dashboardRoutes } from './pages/dashboard';
import { officeRoutes } from './pages/office';

document.documentElement.lang = t.lang;
addRoutes([...authRoutes, ...citizenRoutes, ...officeRoutes, ...campaignRoutes, ...dashboardRoutes]);
installLinkHandler();
void render();
