import { render } from 'preact';
import { PopupApp } from '@/lib/popup/App';
import { setDocumentLanguage } from '@/lib/ui/document';
import '@/lib/ui/page.css';
import './popup.css';

setDocumentLanguage(document, 'popupHeading');
render(<PopupApp />, document.getElementById('app')!);
