import { render } from 'preact';
import { WelcomeApp } from '@/lib/welcome/App';
import { setDocumentLanguage } from '@/lib/ui/document';
import '@/lib/ui/page.css';
import './welcome.css';

setDocumentLanguage(document, 'welcomeTitle');
render(<WelcomeApp />, document.getElementById('app')!);
